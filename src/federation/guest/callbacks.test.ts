// The guest's callback routes on a real control plane: authenticated partners only, for their own federation only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../controlplane/index.js';
import { API_VERSION, SYSTEM_NAMESPACE } from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import { EWBI_PREFIX } from '../ewbi/index.js';
import { PartnerTokens } from '../host/oauth.js';
import { EwbiValidator } from '../testing/ewbi-validator.js';
import { FederationKind, FederationOperationKind, type Federation } from './kinds.js';
import { enqueue, operationName } from './outbox.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-fed-cb-'));
let cp: ControlPlane;
let fed: Federation;
const v = new EwbiValidator();

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name, namespace: SYSTEM_NAMESPACE },
  spec: { type: 'ewbi.continuum.eu/client-credentials', stringData: data },
});

async function post(link: string, body: unknown, token?: string, cb = fed.status!.callbackId!) {
  const path = `${EWBI_PREFIX}/${cb}/${link}`;
  if (token) v.checkRequest('POST', path, 'application/json', body);
  const res = await fetch(cp.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (token && res.status < 500) v.checkResponse('POST', path, res.status, parsed);
  return { status: res.status, body: parsed };
}

beforeAll(async () => {
  cp = await startControlPlane({ dataDir: join(dir, 'cp'), port: 0, federation: { pollMs: 60_000 } });
  await cp.store.create(SecretKind, secret('fed-beta', { clientId: 'alpha', clientSecret: 'alpha-secret-0123' }));
  await cp.store.create(SecretKind, secret('ewbi-client-beta', { clientId: 'beta', clientSecret: 'beta-secret-0123' }));
  await cp.store.create(SecretKind, secret('ewbi-client-evil', { clientId: 'evil', clientSecret: 'evil-secret-0123' }));
  await cp.store.create(SecretKind, secret('fed-beta-cb', { clientId: 'beta', clientSecret: 'beta-secret-0123' }));
  const created = await cp.store.create(FederationKind, {
    apiVersion: API_VERSION,
    kind: 'Federation',
    metadata: { name: 'beta' },
    spec: {
      // Nothing listens there: the controller's calls fail; the callbacks are what is tested.
      partner: { endpoint: 'http://127.0.0.1:9', provider: 'beta', country: 'DE' },
      credentialsSecret: { name: 'fed-beta' },
      callbackCredentialsSecret: { name: 'fed-beta-cb' },
    },
  });
  fed = await cp.store.updateStatus(FederationKind, {
    ...created,
    status: {
      phase: 'Established',
      federationContextId: 'ctx-1',
      callbackId: 'cb-test-1',
      acceptedZones: [{ zoneId: 'munich-edge', geolocation: '48.14,11.58', status: 'AVAILABLE' }],
    },
  });
}, 60_000);

afterAll(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('guest callbacks', () => {
  const tokens = () => new PartnerTokens(cp.store);
  const zoneStatus = (s: string) => ({
    federationContextId: 'ctx-1',
    objectType: 'ZONES',
    operationType: 'STATUS',
    zoneStatus: [{ zoneId: 'munich-edge', status: s }],
    modificationDate: new Date().toISOString(),
  });

  it('refuses callers without a token of ours, and other partners than the federation’s', async () => {
    expect((await post('partnerStatusLink', zoneStatus('LOCKED'))).status).toBe(401);
    expect((await post('partnerStatusLink', zoneStatus('LOCKED'), 'forged.token.value')).status).toBe(401);
    const evil = (await tokens().grant('evil', 'evil-secret-0123', undefined)).access_token;
    const r = await post('partnerStatusLink', zoneStatus('LOCKED'), evil);
    expect(r.status).toBe(404);
    const f = await cp.store.get(FederationKind, undefined, 'beta');
    expect(f?.status?.acceptedZones?.[0].status).toBe('AVAILABLE');
  });

  it('applies a zone status change from the partner', async () => {
    const token = (await tokens().grant('beta', 'beta-secret-0123', undefined)).access_token;
    expect((await post('partnerStatusLink', zoneStatus('LOCKED'), token)).status).toBe(204);
    const f = await cp.store.get(FederationKind, undefined, 'beta');
    expect(f?.status?.acceptedZones?.[0].status).toBe('LOCKED');
    // Unknown callback id, foreign context id, malformed body: refused without effect.
    expect((await post('partnerStatusLink', zoneStatus('AVAILABLE'), token, 'cb-nope')).status).toBe(404);
    expect(
      (await post('partnerStatusLink', { ...zoneStatus('AVAILABLE'), federationContextId: 'ctx-2' }, token)).status,
    ).toBe(404);
    const bad = await fetch(`${cp.url}${EWBI_PREFIX}/cb-test-1/partnerStatusLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ objectType: 'ZONES' }),
    });
    expect(bad.status).toBe(400);
    expect((await cp.store.get(FederationKind, undefined, 'beta'))?.status?.acceptedZones?.[0].status).toBe('LOCKED');
  });

  it('records the onboarding state on the outbox entry; an app we never onboarded is unknown', async () => {
    const token = (await tokens().grant('beta', 'beta-secret-0123', undefined)).access_token;
    const name = operationName('beta', 'OnboardApplication', 'web-abc');
    await enqueue(cp.store, name, {
      federation: 'beta',
      operation: 'OnboardApplication',
      method: 'POST',
      path: '/{fcid}/application/onboarding',
      refs: { appId: 'web-abc' },
    });
    const body = (appId: string) => ({
      federationContextId: 'ctx-1',
      appId,
      statusInfo: [{ zoneId: 'munich-edge', onboardStatusInfo: 'ONBOARDED' }],
    });
    expect((await post('appStatusCallbackLink', body('web-abc'), token)).status).toBe(204);
    expect((await cp.store.get(FederationOperationKind, undefined, name))?.status?.partnerState).toBe('ONBOARDED');
    expect((await post('appStatusCallbackLink', body('web-other'), token)).status).toBe(404);
    const inst = {
      federationContextId: 'ctx-1',
      appId: 'web-abc',
      appInstanceId: 'i-none',
      zoneId: 'munich-edge',
      appInstanceInfo: { appInstanceState: 'READY' },
    };
    expect((await post('appInstCallbackLink', inst, token)).status).toBe(404);
    v.assertClean();
  });
});
