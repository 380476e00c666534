// Valid objects for every registered kind with the identities of the RBAC expectation fixtures, and a forced reset.
import { API_VERSION, isApiError, kindByName, type AnyResource, type KindDef } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import { SITE, fixture } from '../../security/rbac/testing/expectations.js';

export type Ctx = 'own' | 'other';

/**
 * A valid spec per kind. The fields the RBAC decision depends on (Workload siteName, binding
 * roles) come from the expectation fixtures; a kind missing here fails the HTTP matrix test.
 */
export const SPECS: Record<string, (ctx: Ctx) => Record<string, unknown>> = {
  Namespace: () => ({}),
  Provider: () => ({ legalName: 'P', headquarters: { country: 'DE' } }),
  Site: () => ({
    provider: 'p',
    category: 'far-edge',
    location: { country: 'DE', latitude: 50.1, longitude: 8.7 },
    capacity: { cpu: 4 },
  }),
  UserArea: () => ({ location: { country: 'ES', latitude: 40.4, longitude: -3.7 } }),
  Application: () => ({ components: [{ name: 'web', artifact: { command: 'node', args: ['x.mjs'] } }] }),
  Deployment: () => ({ application: 'x', paused: true }),
  Workload: (ctx) => ({ component: 'web', artifact: { command: 'node' }, siteName: SITE[ctx] }),
  Lease: () => ({ holderIdentity: 'h', leaseDurationSeconds: 15 }),
  ControllerRevision: () => ({
    deployment: 'x',
    application: 'x',
    revision: 1,
    hash: 'h',
    applicationSpec: { components: [{ name: 'web', artifact: { command: 'node' } }] },
  }),
  Event: () => ({ involvedObject: { kind: 'Site', name: 'site-a' }, type: 'Normal', reason: 'Test', message: 'm' }),
  Secret: () => ({ stringData: { password: 'matrix-secret-value' } }),
  RoleBinding: () => ({ role: 'end-user', subjects: [{ kind: 'User', name: 'someone' }] }),
  ClusterRoleBinding: (ctx) => ({
    role: ctx === 'own' ? 'cloud-edge-admin' : 'admin',
    subjects: [{ kind: 'User', name: 'someone' }],
  }),
  RuntimePolicy: () => ({ runtimes: ['process'] }),
  ApprovedArtifact: () => ({ command: '/usr/bin/true', sha256: 'a'.repeat(64) }),
  PriceList: () => ({ currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', prices: { cpuHour: 0.04 } }),
  ComputeQuota: () => ({ cpu: '4' }),
  SLO: () => ({ deployment: 'web', availability: 99.9, windowSeconds: 3600 }),
  AlertRule: () => ({ webhook: 'https://alerts.example.com/hook' }),
  Ticket: () => ({ subject: { kind: 'SLO', name: 'web' }, summary: 'fault' }),
  // Token records are issued (POST /auth/v1/tokens), never created from an object.
  Token: () => ({}),
  ApiQuota: () => ({ objectsPerKind: 500 }),
  Federation: () => ({
    partner: { endpoint: 'https://127.0.0.1:9', provider: 'p' },
    credentialsSecret: { name: 'fed-credentials' },
  }),
  FederationOperation: () => ({ federation: 'x', operation: 'RemoveApp', method: 'DELETE', path: '/{fcid}/x' }),
};

/** The fixture object of `kind` in context `ctx`: the expectation fixture's identity with a valid spec. */
export function validObject(kind: string, ctx: Ctx): { name: string; namespace?: string; object: AnyResource } {
  const f = fixture(kind, ctx);
  const spec = SPECS[kind](ctx);
  const want = ((f.object as { spec?: Record<string, unknown> }).spec ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(want)) {
    if (!Array.isArray(v) && JSON.stringify(spec[k]) !== JSON.stringify(v))
      throw new Error(`SPECS.${kind} disagrees with the expectation fixture on spec.${k}`);
  }
  const metadata = { name: f.name, ...(f.namespace ? { namespace: f.namespace } : {}) };
  return { ...f, object: { apiVersion: API_VERSION, kind, metadata, spec } as unknown as AnyResource };
}

/** Deletes an object for good (finalizers dropped; nothing cascades while controllers are stopped). */
export async function forceDelete(
  store: Store,
  kind: KindDef,
  namespace: string | undefined,
  name: string,
): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const cur = await store.get(kind, namespace, name);
    if (!cur) return;
    try {
      if (cur.metadata.finalizers?.length) {
        await store.update(kind, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
        if (!cur.metadata.deletionTimestamp) await store.delete(kind, namespace, name);
      } else await store.delete(kind, namespace, name);
    } catch (e) {
      if (!isApiError(e, 'NotFound') && !isApiError(e, 'Conflict')) throw e;
    }
  }
  if (await store.get(kind, namespace, name)) throw new Error(`cannot delete ${kind.kind} ${namespace ?? ''}/${name}`);
}

/** Puts the fixture back exactly as created (for every kind but Token). */
export async function resetFixture(store: Store, kind: string, ctx: Ctx): Promise<void> {
  const def = kindByName(kind)!;
  const { name, namespace, object } = validObject(kind, ctx);
  await forceDelete(store, def, namespace, name);
  await store.create(def, object);
}
