// Partner idempotency: repeated and concurrent requests make one object; a restart between steps loses no callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, testSiteSpec, waitFor } from '../../agent/testing/env.js';
import { ApplicationKind, DeploymentKind } from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import { EwbiValidator } from '../testing/ewbi-validator.js';
import { CallbackReceiver, GuestClient } from '../testing/partner-harness.js';
import { createPartnerClient, namespaceOf, PARTNER_LABELS } from './index.js';
import { artefactBody, fileBody, installBody, onboardBody } from './testing/bodies.js';

const v = new EwbiValidator();
const env = new AgentEnv();
const cb = new CallbackReceiver();
let zone = '';
let guest: GuestClient;
let fcid = '';
const partner = { federationId: 'partner-b', fetch: v.wrapFetch(fetch) };

beforeAll(async () => {
  await cb.start();
  await env.startControlPlane({ partner });
  zone = env.siteName('zone');
  await env.agent(zone, { siteSpec: testSiteSpec() });
  const creds = await createPartnerClient(env.cp!.store, 'op-a');
  guest = new GuestClient(env.url, creds.clientId, creds.clientSecret, v.wrapFetch(fetch));
}, 60_000);

afterAll(async () => {
  await env.cleanup();
  await cb.stop();
});

const count = async (kind: string): Promise<number> =>
  (
    await env.cp!.store.list(SecretKind, {
      namespace: namespaceOf(fcid),
      labelSelector: `${PARTNER_LABELS.kind}=${kind}`,
    })
  ).items.length;

describe('EWBI partner idempotency', () => {
  it('makes one object per id when every request is sent twice', async () => {
    const fed = {
      origOPFederationId: 'op-a-fed',
      initialDate: new Date().toISOString(),
      partnerStatusLink: cb.link('partnerStatusLink'),
      partnerCallbackCredentials: {
        tokenUrl: `${cb.url}/operatorplatform/federation/v1/oauth2/token`,
        clientId: cb.clientId,
        clientSecret: cb.clientSecret,
      },
    };
    const answers = await Promise.all([
      guest.call('CreateFederation', {}, fed),
      guest.call('CreateFederation', {}, fed),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    fcid = (answers[0].body as { federationContextId: string }).federationContextId;
    expect((answers[1].body as { federationContextId: string }).federationContextId).toBe(fcid);
    const f = { federationContextId: fcid };
    const sub = { acceptedAvailabilityZones: [zone], availZoneNotifLink: cb.link('availZoneNotifLink') };
    for (let i = 0; i < 2; i++) {
      expect((await guest.call('ZoneSubscribe', f, sub)).status).toBe(200);
      expect((await guest.call('UploadFile', f, fileBody('img-1'))).status).toBe(200);
      expect((await guest.call('UploadArtefact', f, artefactBody('art-1', 'img-1'))).status).toBe(200);
      expect(
        (
          await guest.call(
            'OnboardApplication',
            f,
            onboardBody('app-1', 'art-1', zone, cb.link('appStatusCallbackLink')),
          )
        ).status,
      ).toBe(202);
    }
    expect([await count('file'), await count('artefact'), await count('app')]).toEqual([1, 1, 1]);
    expect((await env.cp!.store.list(ApplicationKind, { namespace: namespaceOf(fcid) })).items).toHaveLength(1);
    await waitFor(
      () => cb.of('appStatusCallbackLink').some((r) => JSON.stringify(r.body).includes('ONBOARDED')),
      'ONBOARDED callback',
      20_000,
      100,
    );
    const body = installBody('inst-r', 'app-1', zone, cb.link('appInstCallbackLink'));
    const racing = await Promise.all([guest.call('InstallApp', f, body), guest.call('InstallApp', f, body)]);
    expect(racing.map((a) => a.status)).toEqual([202, 202]);
    const other = await guest.call('InstallApp', f, { ...body, appVersion: '2' });
    expect(other.status).toBe(409);
    expect((await env.cp!.store.list(DeploymentKind, { namespace: namespaceOf(fcid) })).items).toHaveLength(1);
    expect(
      (await guest.call('RemoveApp', { ...f, appId: 'app-1', appInstanceId: 'inst-r', zoneId: zone })).status,
    ).toBe(200);
    await waitFor(
      async () => !(await env.cp!.store.get(DeploymentKind, namespaceOf(fcid), 'inst-r')),
      'instance removed',
      60_000,
      100,
    );
  }, 120_000);

  it('delivers the callbacks owed before a restart, and a retried install after it makes no second instance', async () => {
    const f = { federationContextId: fcid };
    cb.failNext = 1_000_000; // the originator is unreachable: callbacks pile up in the outbox
    const body = installBody('inst-1', 'app-1', zone, cb.link('appInstCallbackLink'));
    expect((await guest.call('InstallApp', f, body)).status).toBe(202);
    await waitFor(() => cb.refused >= 2, 'refused callbacks', 30_000, 100);
    await env.stopControlPlane();
    await env.startControlPlane({ partner });
    expect((await guest.call('InstallApp', f, body)).status).toBe(202);
    const { items } = await env.cp!.store.list(DeploymentKind, { namespace: namespaceOf(fcid) });
    expect(items.map((d) => d.metadata.name)).toEqual(['inst-1']);
    cb.failNext = 0;
    await waitFor(
      () =>
        cb
          .of('appInstCallbackLink')
          .some(
            (r) =>
              (r.body as { appInstanceId: string }).appInstanceId === 'inst-1' &&
              JSON.stringify(r.body).includes('READY'),
          ),
      'READY callback after restart',
      60_000,
      100,
    );
    v.assertClean();
  }, 120_000);
});
