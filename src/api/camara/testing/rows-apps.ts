// Tests only: Given/When/Then rows for apps and app instances, from the operations' descriptions and error lists.
import { NONE } from './env.js';
import { manifest } from './fixtures.js';
import { anApp, type Row } from './givens.js';

export const APP_ROWS: Row[] = [
  {
    scenario: 'submitApp with an unknown property',
    when: () => ['a', 'POST', '/apps', { ...manifest(), extra: 1 }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'submitApp with an unknown nested property',
    when: () => [
      'a',
      'POST',
      '/apps',
      manifest({ name: 'nested', appRepo: { type: 'PUBLICREPO', imagePath: 'file:///x', foo: 1 } }),
    ],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'submitApp without required componentSpec',
    when: () => ['a', 'POST', '/apps', { ...manifest(), componentSpec: undefined }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'submitApp with a malformed JSON body',
    when: () => ['a', 'POST', '/apps', '{"name":'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'submitApp without a token',
    when: () => [undefined, 'POST', '/apps', manifest()],
    then: { status: 401, code: 'UNAUTHENTICATED' },
  },
  {
    scenario: 'submitApp by an end user (no apps:write)',
    when: () => ['userA', 'POST', '/apps', manifest({ name: 'nope_app' })],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: 'submitApp twice (same name, provider, version)',
    given: anApp,
    when: () => ['a', 'POST', '/apps', manifest({ name: 'errors_app' })],
    then: { status: 409, code: 'ALREADY_EXISTS' },
  },
  {
    scenario: 'getApps by an end user (no apps:read)',
    when: () => ['userA', 'GET', '/apps'],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: 'getApp with a malformed id',
    when: () => ['a', 'GET', '/apps/not-a-uuid'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getApp of an unknown id',
    when: () => ['a', 'GET', `/apps/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "getApp of another tenant's app",
    given: anApp,
    when: (g) => ['b', 'GET', `/apps/${g.appId}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "getApp naming another tenant's namespace",
    given: anApp,
    when: (g) => ['b', 'GET', `/apps/${g.appId}`, undefined, { 'x-continuum-namespace': 'tenant-a' }],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: "deleteApp of another tenant's app",
    given: anApp,
    when: (g) => ['b', 'DELETE', `/apps/${g.appId}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'deleteApp of an unknown id',
    when: () => ['a', 'DELETE', `/apps/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'getApp with a malformed x-correlator',
    when: () => ['a', 'GET', `/apps/${NONE}`, undefined, { 'x-correlator': 'bad correlator!' }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getApps with an undeclared query parameter',
    when: () => ['a', 'GET', '/apps?limit=3'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppInstance of an unknown app',
    given: anApp,
    when: (g) => ['a', 'POST', '/app-instances', { name: 'x_inst', appId: NONE, edgeCloudZoneId: g.zone }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppInstance in an unknown zone',
    given: anApp,
    when: (g) => ['a', 'POST', '/app-instances', { name: 'x_inst', appId: g.appId, edgeCloudZoneId: NONE }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppInstance with a bad name',
    given: anApp,
    when: (g) => ['a', 'POST', '/app-instances', { name: '9-bad', appId: g.appId, edgeCloudZoneId: g.zone }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppInstance with an unknown property',
    given: anApp,
    when: (g) => ['a', 'POST', '/app-instances', { name: 'x_inst', appId: g.appId, edgeCloudZoneId: g.zone, x: 1 }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: "createAppInstance of another tenant's app",
    given: anApp,
    when: (g) => ['b', 'POST', '/app-instances', { name: 'x_inst', appId: g.appId, edgeCloudZoneId: g.zone }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppInstance by an end user',
    given: anApp,
    when: (g) => ['userA', 'POST', '/app-instances', { name: 'x_inst', appId: g.appId, edgeCloudZoneId: g.zone }],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: 'getAppInstances with a malformed appId',
    when: () => ['a', 'GET', '/app-instances?appId=zz'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getAppInstance of an unknown id',
    when: () => ['a', 'GET', `/app-instances/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'deleteAppInstance of an unknown id',
    when: () => ['a', 'DELETE', `/app-instances/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'deleteAppInstance without a token',
    when: () => [undefined, 'DELETE', `/app-instances/${NONE}`],
    then: { status: 401, code: 'UNAUTHENTICATED' },
  },
];
