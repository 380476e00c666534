// Tests only: Given/When/Then rows for app deployments, zones and cross-tenant attacks.
import { NONE } from './env.js';
import { aTenantsObjects, anApp, type Row } from './givens.js';

export const LIFECYCLE_ROWS: Row[] = [
  {
    scenario: 'createAppDeployment with no zones',
    given: anApp,
    when: (g) => ['a', 'POST', '/deployments', { appDeploymentName: 'dx', appId: g.appId, edgeCloudZones: [] }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppDeployment with a cluster we do not offer',
    given: anApp,
    when: (g) => [
      'a',
      'POST',
      '/deployments',
      { appDeploymentName: 'dx', appId: g.appId, edgeCloudZones: [g.zone], kubernetesClusterRefs: [NONE] },
    ],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'createAppDeployment missing appId',
    given: anApp,
    when: (g) => ['a', 'POST', '/deployments', { appDeploymentName: 'dx', edgeCloudZones: [g.zone] }],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getAppDeployment of an unknown id',
    when: () => ['a', 'GET', `/deployments/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'deleteAppDeployment of an unknown id',
    when: () => ['a', 'DELETE', `/deployments/${NONE}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'updateAppDeployment of an unknown id',
    when: () => ['a', 'PATCH', `/deployments/${NONE}`, {}, { 'content-type': 'application/merge-patch+json' }],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'updateAppDeployment with plain JSON',
    when: () => ['a', 'PATCH', `/deployments/${NONE}`, {}],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'updateAppDeployment with an unknown property',
    when: () => [
      'a',
      'PATCH',
      `/deployments/${NONE}`,
      { appId: NONE },
      { 'content-type': 'application/merge-patch+json' },
    ],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'updateAppDeployment by an end user',
    when: () => ['userA', 'PATCH', `/deployments/${NONE}`, {}, { 'content-type': 'application/merge-patch+json' }],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: 'getEdgeCloudZones with perPage 0',
    when: () => ['a', 'GET', '/edge-cloud-zones?perPage=0'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getEdgeCloudZones with perPage 101',
    when: () => ['a', 'GET', '/edge-cloud-zones?perPage=101'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getEdgeCloudZones with page 0',
    when: () => ['a', 'GET', '/edge-cloud-zones?page=0'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getEdgeCloudZones with a bad countryCode',
    when: () => ['a', 'GET', '/edge-cloud-zones?countryCode=de'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getEdgeCloudZones with a bad status',
    when: () => ['a', 'GET', '/edge-cloud-zones?status=up'],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    scenario: 'getEdgeCloudZones by an end user (no Site read)',
    when: () => ['userA', 'GET', '/edge-cloud-zones'],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: "getAppInstance of another tenant's instance",
    given: aTenantsObjects,
    when: (g) => ['b', 'GET', `/app-instances/${g.instance}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "deleteAppInstance of another tenant's instance",
    given: aTenantsObjects,
    when: (g) => ['b', 'DELETE', `/app-instances/${g.instance}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "getAppInstances does not list another tenant's instances",
    given: aTenantsObjects,
    when: (g) => ['b', 'GET', `/app-instances?appId=${g.appId}`],
    then: { status: 200 },
  },
  {
    scenario: "getAppDeployment of another tenant's deployment",
    given: aTenantsObjects,
    when: (g) => ['b', 'GET', `/deployments/${g.deployment}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "updateAppDeployment of another tenant's deployment",
    given: aTenantsObjects,
    when: (g) => [
      'b',
      'PATCH',
      `/deployments/${g.deployment}`,
      { appDeploymentName: 'stolen' },
      { 'content-type': 'application/merge-patch+json' },
    ],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: "deleteAppDeployment of another tenant's deployment",
    given: aTenantsObjects,
    when: (g) => ['b', 'DELETE', `/deployments/${g.deployment}`],
    then: { status: 404, code: 'NOT_FOUND' },
  },
  {
    scenario: 'deleteAppInstance by an end user of the tenant',
    given: aTenantsObjects,
    when: (g) => ['userA', 'DELETE', `/app-instances/${g.instance}`],
    then: { status: 403, code: 'PERMISSION_DENIED' },
  },
  {
    scenario: 'createAppInstance with a subscription (not offered)',
    given: anApp,
    when: (g) => [
      'a',
      'POST',
      '/app-instances',
      {
        name: 'x_sub',
        appId: g.appId,
        edgeCloudZoneId: g.zone,
        subscriptionRequest: { sink: 'https://example.com/cb' },
      },
    ],
    then: { status: 400, code: 'INVALID_ARGUMENT' },
  },
];
