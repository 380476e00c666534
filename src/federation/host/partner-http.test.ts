// The partner role over real HTTP: every operation of the spec, traffic validated against the swagger file both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, testSiteSpec, waitFor } from '../../agent/testing/env.js';
import { DeploymentKind, NamespaceKind } from '../../model/index.js';
import { PARTNER_OPERATIONS } from '../ewbi/index.js';
import { EwbiValidator } from '../testing/ewbi-validator.js';
import { CallbackReceiver, GuestClient } from '../testing/partner-harness.js';
import { createPartnerClient, namespaceOf, partnerHost } from './index.js';
import { fileBody, artefactBody, onboardBody, installBody } from './testing/bodies.js';

const v = new EwbiValidator();
const env = new AgentEnv();
const cb = new CallbackReceiver();
let zone = '';
let guest: GuestClient;
let fcid = '';

beforeAll(async () => {
  await cb.start();
  await env.startControlPlane({ partner: { federationId: 'partner-b', countryCode: 'DE', fetch: v.wrapFetch(fetch) } });
  zone = env.siteName('zone');
  await env.agent(zone, { siteSpec: testSiteSpec() });
  const creds = await createPartnerClient(env.cp!.store, 'op-a');
  guest = new GuestClient(env.url, creds.clientId, creds.clientSecret, v.wrapFetch(fetch));
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await cb.stop();
});

describe('EWBI partner over HTTP', () => {
  it('issues tokens for client credentials only, and refuses calls without one', async () => {
    expect((await guest.getToken('wrong-secret-000')).status).toBe(401);
    const ok = await guest.getToken();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'fed-mgmt' });
    const anon = await guest.call('GetFederationDetails', { federationContextId: 'fc0' }, undefined, null);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const forged = await guest.call('GetFederationDetails', { federationContextId: 'fc0' }, undefined, 'e30.e30.xx');
    expect(forged.status).toBe(401);
  });

  it('creates one federation however often asked, in its own namespace with the partner quota', async () => {
    const body = {
      origOPFederationId: 'op-a-fed',
      origOPCountryCode: 'FR',
      initialDate: new Date().toISOString(),
      partnerStatusLink: cb.link('partnerStatusLink'),
      partnerCallbackCredentials: {
        tokenUrl: `${cb.url}/operatorplatform/federation/v1/oauth2/token`,
        clientId: cb.clientId,
        clientSecret: cb.clientSecret,
      },
    };
    const a = await guest.call('CreateFederation', {}, body);
    const b = await guest.call('CreateFederation', {}, body);
    expect(a.status).toBe(200);
    fcid = (a.body as { federationContextId: string }).federationContextId;
    expect((b.body as { federationContextId: string }).federationContextId).toBe(fcid);
    expect(a.headers.get('location')).toContain(`/${fcid}/partner`);
    const ns = await env.cp!.store.get(NamespaceKind, undefined, namespaceOf(fcid));
    expect(ns?.spec.quota).toEqual({ cpu: 4, memory: '8Gi' });
    const upd = await guest.call(
      'UpdateFederation',
      { federationContextId: fcid },
      {
        objectType: 'MOBILE_NETWORK_CODES',
        operationType: 'ADD_CODES',
        addMobileNetworkIds: { mcc: '208', mncs: ['01'] },
        modificationDate: new Date().toISOString(),
      },
    );
    expect((upd.body as { allowedMobileNetworkIds: unknown }).allowedMobileNetworkIds).toEqual({
      mcc: '208',
      mncs: ['01'],
    });
    const d = await guest.call('GetFederationDetails', { federationContextId: fcid });
    expect(
      (d.body as { offeredAvailabilityZones: { zoneId: string }[] }).offeredAvailabilityZones.map((z) => z.zoneId),
    ).toContain(zone);
  });

  it('subscribes offered zones only and reports their status over partnerStatusLink', async () => {
    const bad = await guest.call(
      'ZoneSubscribe',
      { federationContextId: fcid },
      { acceptedAvailabilityZones: ['nowhere'], availZoneNotifLink: cb.link('availZoneNotifLink') },
    );
    expect(bad.status).toBe(422);
    const ok = await guest.call(
      'ZoneSubscribe',
      { federationContextId: fcid },
      { acceptedAvailabilityZones: [zone], availZoneNotifLink: cb.link('availZoneNotifLink') },
    );
    expect(ok.status).toBe(200);
    expect((await guest.call('GetZoneData', { federationContextId: fcid, zoneId: zone })).status).toBe(200);
    await waitFor(
      () => cb.of('partnerStatusLink').some((r) => JSON.stringify(r.body).includes('AVAILABLE')),
      'condition 1',
      20_000,
      100,
    );
  });

  it('onboards, runs and reports an application; the instance answers on its access point', async () => {
    const f = { federationContextId: fcid };
    expect((await guest.call('UploadFile', f, fileBody('img-1'))).status).toBe(200);
    expect((await guest.call('UploadFile', f, fileBody('img-1'))).status).toBe(200);
    expect((await guest.call('UploadFile', f, { ...fileBody('img-1'), fileVersionInfo: '2' })).status).toBe(409);
    expect((await guest.call('ViewFile', { ...f, fileId: 'img-1' })).status).toBe(200);
    expect((await guest.call('UploadArtefact', f, artefactBody('art-1', 'img-1'))).status).toBe(200);
    expect((await guest.call('GetArtefact', { ...f, artefactId: 'art-1' })).status).toBe(200);
    const onboard = onboardBody('app-1', 'art-1', zone, cb.link('appStatusCallbackLink'));
    expect((await guest.call('OnboardApplication', f, onboard)).status).toBe(202);
    expect((await guest.call('OnboardApplication', f, onboard)).status).toBe(202);
    await waitFor(
      () => cb.of('appStatusCallbackLink').some((r) => JSON.stringify(r.body).includes('ONBOARDED')),
      'condition 2',
      20_000,
      100,
    );
    const app = { ...f, appId: 'app-1' };
    expect((await guest.call('ViewApplication', app)).status).toBe(200);
    expect(
      (
        await guest.call('UpdateApplication', app, {
          appUpdQoSProfile: { latencyConstraints: 'LOW', bandwidthRequired: 5 },
        })
      ).status,
    ).toBe(202);
    expect((await guest.call('OnboardExistingAppNewZones', app, [zone])).status).toBe(202);
    expect((await guest.call('LockUnlockApplicationZone', app, [{ zoneId: zone, forbid: true }])).status).toBe(200);
    const install = installBody('inst-1', 'app-1', zone, cb.link('appInstCallbackLink'));
    expect((await guest.call('InstallApp', f, install)).status).toBe(409); // locked zone
    expect((await guest.call('LockUnlockApplicationZone', app, [{ zoneId: zone, forbid: false }])).status).toBe(200);
    cb.failNext = 2; // the first callbacks are refused: the outbox retries
    expect((await guest.call('InstallApp', f, install)).status).toBe(202);
    expect((await guest.call('InstallApp', f, install)).status).toBe(202);
    const { items } = await env.cp!.store.list(DeploymentKind, { namespace: namespaceOf(fcid) });
    expect(items.map((d) => d.metadata.name)).toEqual(['inst-1']);
    await waitFor(
      () => cb.of('appInstCallbackLink').some((r) => JSON.stringify(r.body).includes('READY')),
      'condition 3',
      60_000,
      100,
    );
    expect(cb.refused).toBe(2);
    const inst = { ...f, appId: 'app-1', appInstanceId: 'inst-1', zoneId: zone };
    const det = await guest.call('GetAppInstanceDetails', inst);
    const ap = det.body as {
      appInstanceState: string;
      accessPointInfo: { accessPoints: { port: number; ipv4Addresses: string[] } }[];
    };
    expect(ap.appInstanceState).toBe('READY');
    const served = await fetch(
      `http://${ap.accessPointInfo[0].accessPoints.ipv4Addresses[0]}:${ap.accessPointInfo[0].accessPoints.port}/`,
    );
    expect(await served.text()).toContain('hello from partner');
    expect((await guest.call('GetAllAppInstances', { ...f, appId: 'app-1', appProviderId: 'prov-a' })).status).toBe(
      200,
    );
    const cand = await guest.call('GetCandidateZones', f, {
      appProviderId: 'prov-a',
      appId: 'app-1',
      edgeDiscoveryFilters: { location: { geo_location: '52.5,13.4' } },
    });
    expect((cand.body as { zoneId: string }[])[0].zoneId).toBe(zone);
  }, 120_000);

  it('authenticates roaming devices by the partner-issued token only', async () => {
    const token = await partnerHost().context(env.cp!.store).tokens.deviceToken(fcid, 'dev-1');
    expect(
      (await guest.call('AuthenticateDevice', { federationContextId: fcid, deviceId: 'dev-1', authToken: token }))
        .status,
    ).toBe(200);
    expect(
      (await guest.call('AuthenticateDevice', { federationContextId: fcid, deviceId: 'dev-2', authToken: token }))
        .status,
    ).toBe(404);
  });

  it('reserves, shows, changes and frees resource pools within the federation quota', async () => {
    const p = { federationContextId: fcid, zoneId: zone, appProviderId: 'prov-a' };
    const req = {
      resRequest: {
        poolId: 'pool-1',
        poolName: 'p',
        flavours: [{ flavourId: 'small', numFlavour: 2 }],
        reserveDuration: { numOfDays: 1 },
      },
      resourceReservationCallbackLink: cb.link('resourceReservationCallbackLink'),
    };
    expect((await guest.call('CreateResourcePools', p, req)).status).toBe(200);
    expect(
      (
        await guest.call('CreateResourcePools', p, {
          ...req,
          resRequest: { ...req.resRequest, poolId: 'pool-2', flavours: [{ flavourId: 'small', numFlavour: 99 }] },
        })
      ).status,
    ).toBe(422);
    await waitFor(() => cb.of('resourceReservationCallbackLink').length > 0, 'condition 4', 20_000, 100);
    expect(((await guest.call('ViewISVResPool', p)).body as unknown[]).length).toBe(1);
    expect(
      (
        await guest.call('UpdateISVResPool', { ...p, poolId: 'pool-1' }, [
          { updateType: 'ADD', flavourId: 'small', count: 1 },
        ])
      ).status,
    ).toBe(200);
    expect((await guest.call('RemoveISVResPool', { ...p, poolId: 'pool-1' })).status).toBe(200);
  });

  it('keeps federations of different partners apart', async () => {
    const other = await createPartnerClient(env.cp!.store, 'op-x');
    const x = new GuestClient(env.url, other.clientId, other.clientSecret, v.wrapFetch(fetch));
    expect((await x.call('GetFederationDetails', { federationContextId: fcid })).status).toBe(404);
    expect(
      (await x.call('RemoveApp', { federationContextId: fcid, appId: 'app-1', appInstanceId: 'inst-1', zoneId: zone }))
        .status,
    ).toBe(404);
    expect((await x.call('DeleteFederationDetails', { federationContextId: fcid })).status).toBe(404);
  });

  it('removes instances, applications, uploads and the federation, reporting each step', async () => {
    const f = { federationContextId: fcid };
    expect(
      (await guest.call('RemoveApp', { ...f, appId: 'app-1', appInstanceId: 'inst-1', zoneId: zone })).status,
    ).toBe(200);
    expect((await guest.call('DeboardApplication', { ...f, appId: 'app-1', zoneId: zone })).status).toBe(202);
    await waitFor(
      () => cb.of('appStatusCallbackLink').some((r) => JSON.stringify(r.body).includes('REMOVED')),
      'condition 5',
      60_000,
      100,
    );
    expect((await guest.call('DeleteApp', { ...f, appId: 'app-1' })).status).toBe(200);
    await waitFor(
      async () => (await guest.call('RemoveArtefact', { ...f, artefactId: 'art-1' })).status === 200,
      'condition 6',
      30_000,
      100,
    );
    expect((await guest.call('RemoveFile', { ...f, fileId: 'img-1' })).status).toBe(200);
    expect((await guest.call('ZoneUnsubscribe', { ...f, zoneId: zone })).status).toBe(200);
    expect((await guest.call('DeleteFederationDetails', f)).status).toBe(200);
    await waitFor(
      async () => !(await env.cp!.store.get(NamespaceKind, undefined, namespaceOf(fcid))),
      'condition 7',
      60_000,
      100,
    );
  }, 120_000);

  it('exchanged only spec-valid traffic, covering every partner operation', () => {
    v.assertClean();
    const missing = PARTNER_OPERATIONS.map((o) => o.id).filter((id) => !v.seen.has(id));
    expect(missing).toEqual([]);
    for (const cbk of [
      'PartnerStatusLink',
      'AppStatusCallbackLink',
      'AppInstCallbackLink',
      'ResourceReservationCallbackLink',
    ])
      expect(v.seen.has(cbk), cbk).toBe(true);
  });
});
