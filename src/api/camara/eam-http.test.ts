// CAMARA Edge Application Management over real HTTP: every answer validated against the published spec, scenarios
// written as Given/When/Then rows from the operations' descriptions (happy paths and every listed error).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, kindByName, SiteKind, type Deployment } from '../../model/index.js';
import { waitFor } from '../../lib/testing/wait.js';
import { loadTopology } from '../../topology/index.js';
import { startSecureEnv, type SecureEnv } from '../testing/secure-env.js';
import { manifest } from './testing/fixtures.js';
import { camaraClient, type Answer } from './testing/spec-validator.js';

const B = '/edge-application-management/vwip';
const NONE = '00000000-0000-4000-8000-000000000000';
let env: SecureEnv;
let cam: ReturnType<typeof camaraClient>;
const tok: Record<'a' | 'b' | 'userA' | 'admin', string> = { a: '', b: '', userA: '', admin: '' };

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['tenant-a', 'tenant-b'] });
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites])
    await env.cp.store.apply(kindByName(obj.kind)!, obj);
  tok.a = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-a' })).token;
  tok.b = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-b' })).token;
  tok.userA = (await env.issue({ role: 'end-user', tenant: 'tenant-a' })).token;
  tok.admin = env.adminToken;
  cam = camaraClient(env.cp.url);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

const call = (who: keyof typeof tok | undefined, m: string, url: string, body?: unknown, h?: Record<string, string>) =>
  cam.call(who ? tok[who] : undefined, m, `${B}${url}`, body, h);

async function zones(): Promise<Array<{ edgeCloudZoneId: string; edgeCloudZoneName: string }>> {
  return (await call('a', 'GET', '/edge-cloud-zones?perPage=100')).body.edgeCloudZones;
}

describe('Scenario: a telco developer submits an app, instantiates it in a zone, deploys it to several, cleans up', () => {
  it('runs every EAM operation end to end, each answer conforming to the spec', async () => {
    // Given a developer of tenant-a, When they submit an app, Then 201 with an appId and a Location.
    const sub = await call('a', 'POST', '/apps', manifest(), { 'x-correlator': 'walk-1' });
    expect(sub.status).toBe(201);
    expect(sub.headers.get('x-correlator')).toBe('walk-1');
    const appId = sub.body.appId as string;
    // Then the app is an Application of tenant-a (a native object, not a copy).
    const native = await env.cp.store.get(kindByName('Application')!, 'tenant-a', `camara-app-${appId}`);
    expect(native?.metadata.labels?.['camara.continuum.eu/app-id']).toBe(appId);
    expect((await call('a', 'GET', '/apps')).body.map((x: { appId: string }) => x.appId)).toContain(appId);
    const got = await call('a', 'GET', `/apps/${appId}`);
    expect(got.body).toMatchObject({ appId, name: 'camera_analytics', version: '1.0.0' });

    // When they list zones and instantiate in one, Then 202 with a Location and the instance's info.
    const z = await zones();
    expect(z.length).toBeGreaterThan(3);
    const inst = await call('a', 'POST', '/app-instances', {
      name: 'cam_one',
      appId,
      edgeCloudZoneId: z[0].edgeCloudZoneId,
    });
    expect(inst.status).toBe(202);
    const instanceId = inst.body.appInstanceId as string;
    expect(inst.headers.get('location')).toMatch(new RegExp(`/app-instances/${instanceId}$`));
    // Then the instance is a Deployment of the app pinned to that zone's Site (placement still decides).
    const dep = (await env.cp.store.get(DeploymentKind, 'tenant-a', `camara-inst-${instanceId}`)) as Deployment;
    expect(dep.spec.placement?.pinned).toEqual({ analytics: z[0].edgeCloudZoneName });
    const read = await call('a', 'GET', `/app-instances/${instanceId}`);
    expect(read.body).toMatchObject({
      appInstanceId: instanceId,
      appId,
      name: 'cam_one',
      edgeCloudZoneId: z[0].edgeCloudZoneId,
    });
    expect(['ready', 'instantiating', 'failed', 'unknown']).toContain(read.body.status);
    expect((await call('a', 'GET', `/app-instances?appId=${appId}`)).body).toHaveLength(1);
    // And an end user of the tenant may read it (instances:read = get Deployment).
    expect((await call('userA', 'GET', `/app-instances/${instanceId}`)).status).toBe(200);

    // Given an instance in zone 0, When the same app is instantiated there again, Then 409 ALREADY_EXISTS.
    const twice = await call('a', 'POST', '/app-instances', {
      name: 'cam_two',
      appId,
      edgeCloudZoneId: z[0].edgeCloudZoneId,
    });
    expect(twice.body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    // When the app is deleted while it has an instance, Then 409 INCOMPATIBLE_STATE.
    expect((await call('a', 'DELETE', `/apps/${appId}`)).body).toMatchObject({
      status: 409,
      code: 'INCOMPATIBLE_STATE',
    });

    // When they deploy to two zones, Then 202 with an appDeploymentId, two instances, one per zone.
    const d = await call('a', 'POST', '/deployments', {
      appDeploymentName: 'cam_fleet',
      appId,
      edgeCloudZones: [z[1].edgeCloudZoneId, z[2].edgeCloudZoneId],
    });
    expect(d.status).toBe(202);
    const depId = d.body.appDeploymentId as string;
    expect(d.headers.get('location')).toMatch(new RegExp(`/deployments/${depId}$`));
    const info = (await call('a', 'GET', `/deployments/${depId}`)).body;
    expect(info).toMatchObject({ appDeploymentName: 'cam_fleet', appId });
    expect(info.edgeCloudZones.sort()).toEqual([z[1].edgeCloudZoneId, z[2].edgeCloudZoneId].sort());
    expect(info.appInstances).toHaveLength(2);
    const dupe = await call('a', 'POST', '/deployments', {
      appDeploymentName: 'cam_fleet',
      appId,
      edgeCloudZones: [z[3].edgeCloudZoneId],
    });
    expect(dupe.body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    // When they patch the zones (merge patch replaces the array) and the name, Then 200 with the new set.
    const patched = await call(
      'a',
      'PATCH',
      `/deployments/${depId}`,
      { appDeploymentName: 'cam_fleet_v2', edgeCloudZones: [z[2].edgeCloudZoneId, z[3].edgeCloudZoneId] },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.appDeploymentName).toBe('cam_fleet_v2');
    expect(patched.body.edgeCloudZones.sort()).toEqual([z[2].edgeCloudZoneId, z[3].edgeCloudZoneId].sort());
    expect(patched.body.appInstances).toContain(
      info.appInstances.find((i: string) => true && i) ? patched.body.appInstances[0] : '',
    );
    expect((await call('a', 'GET', `/deployments?appId=${appId}`)).body).toHaveLength(1);

    // When they delete the deployment and the instance, Then 202 and both disappear.
    expect((await call('a', 'DELETE', `/deployments/${depId}`)).status).toBe(202);
    expect((await call('a', 'DELETE', `/app-instances/${instanceId}`)).status).toBe(202);
    await waitFor(
      async () => (await call('a', 'GET', `/app-instances?appId=${appId}`)).body.length === 0,
      'instances gone',
    );
    expect((await call('a', 'GET', `/deployments/${depId}`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    // Then the app can be deleted (204) and is gone.
    expect((await call('a', 'DELETE', `/apps/${appId}`)).status).toBe(204);
    expect((await call('a', 'GET', `/apps/${appId}`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  }, 120_000);
});

interface Row {
  scenario: string;
  given?: () => Promise<Record<string, string>>;
  when: (
    g: Record<string, string>,
  ) => [keyof typeof tok | undefined, string, string, unknown?, Record<string, string>?];
  then: { status: number; code?: string };
}

let shared: Record<string, string> | undefined;
/** Given: an app of tenant-a and a zone (made once). */
const anApp = async (): Promise<Record<string, string>> => {
  if (shared) return shared;
  const a = await call('a', 'POST', '/apps', manifest({ name: 'errors_app' }));
  const z = await zones();
  shared = { appId: a.body.appId, zone: z[0].edgeCloudZoneId };
  return shared;
};

let owned: Record<string, string> | undefined;
/** Given: tenant-a's app with an instance and an app deployment (made once), for the cross-tenant attacks. */
const aTenantsObjects = async (): Promise<Record<string, string>> => {
  if (owned) return owned;
  const g = await anApp();
  const z = await zones();
  const i = await call('a', 'POST', '/app-instances', {
    name: 'owned_inst',
    appId: g.appId,
    edgeCloudZoneId: z[4].edgeCloudZoneId,
  });
  const d = await call('a', 'POST', '/deployments', {
    appDeploymentName: 'owned_dep',
    appId: g.appId,
    edgeCloudZones: [z[5].edgeCloudZoneId],
  });
  owned = { ...g, instance: i.body.appInstanceId, deployment: d.body.appDeploymentId };
  return owned;
};

const ROWS: Row[] = [
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

describe('Scenario outline: errors the spec lists, as Given/When/Then rows', () => {
  it.each(ROWS.map((r) => [r.scenario, r] as const))('%s', async (_name, row) => {
    const g = row.given ? await row.given() : {};
    const [who, m, url, body, h] = row.when(g);
    const a: Answer = await call(who, m, url, body, { 'x-correlator': 'row-1', ...h });
    expect(a.status).toBe(row.then.status);
    if (row.then.code) expect(a.body).toMatchObject({ status: row.then.status, code: row.then.code });
    if (!h?.['x-correlator']) expect(a.headers.get('x-correlator')).toBe('row-1');
    if (row.then.status === 200) expect(a.body).toEqual([]);
  });

  it("leaves tenant-a's objects untouched by tenant-b's attempts", async () => {
    const g = await aTenantsObjects();
    expect((await call('a', 'GET', `/app-instances/${g.instance}`)).status).toBe(200);
    expect((await call('a', 'GET', `/deployments/${g.deployment}`)).body.appDeploymentName).toBe('owned_dep');
  });
});

describe('Edge cloud zones are Sites, paginated', () => {
  it('pages through every Site with totals, links and filters', async () => {
    const sites = (await env.cp.store.list(SiteKind)).items;
    const first = await call('a', 'GET', '/edge-cloud-zones?perPage=2');
    expect(first.body.pagination).toEqual({
      page: 1,
      perPage: 2,
      totalCount: sites.length,
      totalPages: Math.ceil(sites.length / 2),
    });
    expect(first.headers.get('x-total-count')).toBe(String(sites.length));
    expect(first.headers.get('link')).toContain('rel="next"');
    const ids = new Set<string>();
    for (let p = 1; p <= first.body.pagination.totalPages; p++)
      for (const z of (await call('a', 'GET', `/edge-cloud-zones?perPage=2&page=${p}`)).body.edgeCloudZones)
        ids.add(z.edgeCloudZoneId);
    expect(ids.size).toBe(sites.length);
    const beyond = await call('a', 'GET', '/edge-cloud-zones?perPage=2&page=999');
    expect(beyond.body.edgeCloudZones).toEqual([]);
    const country = sites[0].spec.location.country as string;
    const de = await call('a', 'GET', `/edge-cloud-zones?countryCode=${country}&perPage=100`);
    expect(de.body.edgeCloudZones.length).toBe(sites.filter((s) => s.spec.location.country === country).length);
    expect(cam.seen.length).toBeGreaterThan(5);
  });
});
