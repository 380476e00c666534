// ApiQuota: per-namespace bounds on API use (objects per kind, stored bytes, watches, tokens, connections).
import { Type, type Static } from 'typebox';
import { Conditions } from '../meta.js';
import type { Resource } from '../meta.js';
import { registerKind } from '../registry.js';

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const KindName = Type.String({ pattern: '^[A-Z][A-Za-z0-9]{0,62}$' });

/**
 * Limits of one namespace. An absent field keeps the control plane's default (ControlPlaneOptions.quotaDefaults);
 * with several ApiQuotas in one namespace the smallest value of each field applies. Compute (cpu, memory) is not
 * here: it is bounded by the Namespace's `spec.quota`.
 */
export const ApiQuotaSpec = Type.Object(
  {
    /** Objects of any one kind (kinds not listed in `objects`). */
    objectsPerKind: Type.Optional(Count),
    /** Objects of the named kinds, e.g. `{ Workload: 50, Secret: 20 }`. */
    objects: Type.Optional(Type.Record(KindName, Count, { additionalProperties: false })),
    /** Total stored size of the namespace's objects, in bytes of their JSON. */
    bytes: Type.Optional(Count),
    /** Open watches of callers holding a grant in the namespace. */
    watches: Type.Optional(Count),
    /** Valid (unexpired, unrevoked) tokens issued for the namespace. */
    tokens: Type.Optional(Count),
    /** Concurrent requests (watches and log streams included) of callers holding a grant in the namespace. */
    connections: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type ApiQuotaSpec = Static<typeof ApiQuotaSpec>;

/** Usage of the namespace, as the replica that wrote it counted (watches and connections are per replica). */
export const ApiQuotaUsage = Type.Object(
  {
    objects: Type.Record(Type.String(), Count),
    bytes: Count,
    watches: Count,
    tokens: Count,
    connections: Count,
  },
  { additionalProperties: false },
);
export type ApiQuotaUsage = Static<typeof ApiQuotaUsage>;

export const ApiQuotaStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The limits in force (defaults and every ApiQuota of the namespace combined). */
    hard: Type.Optional(
      Type.Object(
        {
          objectsPerKind: Count,
          objects: Type.Record(Type.String(), Count),
          bytes: Count,
          watches: Count,
          tokens: Count,
          connections: Count,
        },
        { additionalProperties: false },
      ),
    ),
    used: Type.Optional(ApiQuotaUsage),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type ApiQuotaStatus = Static<typeof ApiQuotaStatus>;

export const ApiQuotaKind = registerKind({
  kind: 'ApiQuota',
  plural: 'apiquotas',
  singular: 'apiquota',
  shortNames: ['aq'],
  namespaced: true,
  spec: ApiQuotaSpec,
  status: ApiQuotaStatus,
  specOptional: true,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'BYTES USED', path: 'status.used.bytes' },
    { name: 'BYTES LIMIT', path: 'status.hard.bytes' },
    { name: 'WATCHES', path: 'status.used.watches' },
    { name: 'TOKENS', path: 'status.used.tokens' },
    { name: 'AGE', path: 'metadata.creationTimestamp' },
  ],
  selectableFields: [],
  description: 'Bounds on API use in a namespace: objects per kind, stored bytes, watches, tokens, connections.',
});

export type ApiQuota = Resource<ApiQuotaSpec, ApiQuotaStatus>;
