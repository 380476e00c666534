// CAMARA Edge Application Management over real HTTP: the developer's whole journey and zone pagination, every
// answer validated against the published spec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, kindByName, SiteKind, type Deployment } from '../../model/index.js';
import { waitFor } from '../../lib/testing/wait.js';
import { call, ctx, startCamara, stopCamara, zones } from './testing/env.js';
import { manifest } from './testing/fixtures.js';

beforeAll(startCamara, 120_000);
afterAll(stopCamara);

describe('Scenario: a developer submits an app, instantiates it, deploys it to several zones, cleans up', () => {
  it('runs every EAM operation end to end, each answer conforming to the spec', async () => {
    // Given a developer of tenant-a, When they submit an app, Then 201 with an appId and a Location.
    const sub = await call('a', 'POST', '/apps', manifest(), { 'x-correlator': 'walk-1' });
    expect(sub.status).toBe(201);
    expect(sub.headers.get('x-correlator')).toBe('walk-1');
    const appId = sub.body.appId as string;
    // Then the app is an Application of tenant-a (a native object, not a copy).
    const native = await ctx.env.cp.store.get(kindByName('Application')!, 'tenant-a', `camara-app-${appId}`);
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
    const dep = (await ctx.env.cp.store.get(DeploymentKind, 'tenant-a', `camara-inst-${instanceId}`)) as Deployment;
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

describe('Edge cloud zones are Sites, paginated', () => {
  it('pages through every Site with totals, links and filters', async () => {
    const sites = (await ctx.env.cp.store.list(SiteKind)).items;
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
    expect(ctx.cam.seen.length).toBeGreaterThan(5);
  });
});

describe('Hostile edits through the native API', () => {
  it('an app whose manifest annotation was garbled is not a CAMARA app (404, unlisted), never a 500', async () => {
    const appId = (await call('a', 'POST', '/apps', manifest({ name: 'garbled_app' }))).body.appId as string;
    const kind = kindByName('Application')!;
    const obj = (await ctx.env.cp.store.get(kind, 'tenant-a', `camara-app-${appId}`))!;
    const annotations = { ...obj.metadata.annotations, 'camara.continuum.eu/manifest': '{not json' };
    await ctx.env.cp.store.update(kind, { ...obj, metadata: { ...obj.metadata, annotations } });
    expect((await call('a', 'GET', `/apps/${appId}`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await call('a', 'GET', '/apps')).body.map((x: { appId: string }) => x.appId)).not.toContain(appId);
  });
});
