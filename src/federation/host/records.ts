// The partner side's durable records, kept in native kinds: the federation on its Namespace, uploads in Secrets.
import { createHash } from 'node:crypto';
import {
  apiVersionOf,
  ApiError,
  type KindDef,
  NamespaceKind,
  RuntimePolicyKind,
  SYSTEM_NAMESPACE,
  type RuntimeKind,
  type Namespace,
  type Resources,
} from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import type { Store } from '../../store/index.js';
import type { FederationRequestData, MobileNetworkIds } from '../ewbi/index.js';

/** Label and annotation keys of federation objects on the partner side. */
export const L = {
  context: 'ewbi.continuum.eu/federation-context',
  client: 'ewbi.continuum.eu/client',
  record: 'ewbi.continuum.eu/federation',
  kind: 'ewbi.continuum.eu/kind',
  appId: 'ewbi.continuum.eu/app-id',
  appProvider: 'ewbi.continuum.eu/app-provider',
  zone: 'ewbi.continuum.eu/zone',
  onboarding: 'ewbi.continuum.eu/onboarding',
  instance: 'ewbi.continuum.eu/instance',
  notified: 'ewbi.continuum.eu/notified',
} as const;

/** What the partner keeps about one federation (JSON in the federation Namespace's annotation). */
export interface FederationRecord {
  federationContextId: string;
  clientId: string;
  origOPFederationId: string;
  origOPCountryCode?: string;
  mobileNetworkIds?: MobileNetworkIds;
  fixedNetworkIds?: string[];
  initialDate: string;
  partnerStatusLink: string;
  /** Name of the Secret (in the federation namespace) holding the originator's callback credentials. */
  callbackSecret?: string;
  acceptedZones: string[];
  availZoneNotifLink?: string;
  /** Zone status last sent over partnerStatusLink, per zone. */
  zoneStatus?: Record<string, string>;
}

export const head = (k: KindDef): { apiVersion: string; kind: string } => ({
  apiVersion: apiVersionOf(k),
  kind: k.kind,
});

const hash = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

/** The context id is derived from who asked and for which originating federation: a repeated create finds it. */
export const contextIdFor = (clientId: string, origOPFederationId: string): string =>
  `fc${hash(clientId, origOPFederationId).slice(0, 16)}`;

/** The namespace the guest's workloads of a federation run in. */
export const namespaceOf = (federationContextId: string): string => `fed-${federationContextId}`;

/** Secret name of an upload record: free-form ids are hashed into a DNS label. */
export const recordName = (type: 'file' | 'artefact' | 'pool' | 'callback' | 'app', ...ids: string[]): string =>
  `ewbi-${type}-${hash(...ids).slice(0, 20)}`;

export function readRecord(ns: Namespace): FederationRecord | undefined {
  const raw = ns.metadata.annotations?.[L.record];
  if (!raw) return undefined;
  return JSON.parse(raw) as FederationRecord;
}

/** The federation namespace and its record, refusing other clients' federations as not found (no probing). */
export async function loadFederation(
  store: Store,
  clientId: string,
  federationContextId: string,
): Promise<{ ns: Namespace; record: FederationRecord }> {
  const ns = /^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?$/.test(federationContextId)
    ? await store.get(NamespaceKind, undefined, namespaceOf(federationContextId))
    : undefined;
  const record = ns ? readRecord(ns) : undefined;
  if (!ns || !record || record.clientId !== clientId || ns.metadata.deletionTimestamp)
    throw new ApiError('NotFound', `federation context ${federationContextId} not found`, [
      { field: 'federationContextId', message: 'no such federation' },
    ]);
  return { ns, record };
}

/** Writes the record back onto its namespace (merge patch of one annotation). */
export async function saveRecord(store: Store, record: FederationRecord): Promise<void> {
  await store.patch(NamespaceKind, undefined, namespaceOf(record.federationContextId), {
    metadata: { annotations: { [L.record]: JSON.stringify(record) } },
  });
}

/**
 * Creates the federation namespace with its quota, or returns the existing one, and makes sure it holds the
 * RuntimePolicy that lets the guest's components use the runtimes this partner offers guests (ADR 0024: running
 * a tenant's command is a privilege; here the partner grants it to the federation under its own confinement).
 */
export async function ensureFederationNamespace(
  store: Store,
  record: FederationRecord,
  quota: Resources | undefined,
  runtimes: readonly RuntimeKind[],
): Promise<Namespace> {
  const name = namespaceOf(record.federationContextId);
  const ns = await ensureNamespace(store, name, record, quota);
  const existing = await store.get(RuntimePolicyKind, name, 'federation-guest');
  if (!existing)
    await store
      .create(RuntimePolicyKind, {
        ...head(RuntimePolicyKind),
        metadata: { name: 'federation-guest', namespace: name, labels: { [L.context]: record.federationContextId } },
        spec: {
          runtimes: [...runtimes],
          description: `what partner policy lets guests of federation ${record.origOPFederationId} run`,
        },
      })
      .catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
      });
  return ns;
}

async function ensureNamespace(
  store: Store,
  name: string,
  record: FederationRecord,
  quota: Resources | undefined,
): Promise<Namespace> {
  const existing = await store.get(NamespaceKind, undefined, name);
  if (existing) return existing;
  try {
    return await store.create(NamespaceKind, {
      ...head(NamespaceKind),
      metadata: {
        name,
        labels: { [L.context]: record.federationContextId, [L.client]: record.clientId },
        annotations: { [L.record]: JSON.stringify(record) },
      },
      spec: { displayName: `EWBI federation ${record.origOPFederationId}`, ...(quota ? { quota } : {}) },
    });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'AlreadyExists') return store.mustGet(NamespaceKind, undefined, name);
    throw e;
  }
}

/** A JSON document kept in a Secret of `namespace` (uploads carry repository credentials: encrypted at rest). */
export async function putDoc(
  store: Store,
  namespace: string,
  name: string,
  type: string,
  doc: unknown,
  labels: Record<string, string> = {},
): Promise<void> {
  const spec = { type, stringData: { doc: JSON.stringify(doc) } };
  const cur = await store.get(SecretKind, namespace, name);
  if (!cur) {
    try {
      await store.create(SecretKind, { ...head(SecretKind), metadata: { name, namespace, labels }, spec });
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
    }
  }
  const fresh = await store.mustGet(SecretKind, namespace, name);
  await store.update(SecretKind, { ...fresh, metadata: { ...fresh.metadata, labels }, spec });
}

/** The JSON document of a Secret written by putDoc, or undefined. */
export async function getDoc<T>(store: Store, namespace: string, name: string): Promise<T | undefined> {
  const s = await store.get(SecretKind, namespace, name);
  if (!s) return undefined;
  const raw = s.spec.stringData?.doc ?? (s.spec.data?.doc ? Buffer.from(s.spec.data.doc, 'base64').toString() : '');
  return raw ? (JSON.parse(raw) as T) : undefined;
}

/** Every document of one type in a namespace (by the kind label). */
export async function listDocs<T>(store: Store, namespace: string, type: string): Promise<T[]> {
  const { items } = await store.list(SecretKind, { namespace, labelSelector: `${L.kind}=${type}` });
  const out: T[] = [];
  for (const s of items) {
    const raw = s.spec.stringData?.doc ?? (s.spec.data?.doc ? Buffer.from(s.spec.data.doc, 'base64').toString() : '');
    if (raw) out.push(JSON.parse(raw) as T);
  }
  return out;
}

export async function deleteDoc(store: Store, namespace: string, name: string): Promise<boolean> {
  try {
    await store.delete(SecretKind, namespace, name);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NotFound') return false;
    throw e;
  }
}

export { SYSTEM_NAMESPACE };
export type { FederationRequestData };

/** JSON with sorted keys: two requests are "the same" when this agrees. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
