// ApiQuota limits: the control plane's defaults, how a namespace's quotas combine, and the refusal they produce.
import { ApiError, type ApiQuotaSpec, type FieldError } from '../../model/index.js';

/** Limits in force for one namespace; `source` says which ApiQuota (or the defaults) set each one. */
export interface QuotaLimits {
  objectsPerKind: number;
  objects: Record<string, number>;
  bytes: number;
  watches: number;
  tokens: number;
  connections: number;
}

/**
 * Defaults for namespaces without an ApiQuota (and for fields an ApiQuota leaves out). Chosen so that one tenant
 * cannot grow the database without bound (64 MiB of objects; the 500 × 703 KiB probe is refused after ~93 objects)
 * nor hold more watches, tokens or connections than a busy team needs.
 */
export const DEFAULT_QUOTA: QuotaLimits = {
  objectsPerKind: 1000,
  objects: {},
  bytes: 64 * 1024 * 1024,
  watches: 100,
  tokens: 100,
  connections: 200,
};

type Scalar = 'objectsPerKind' | 'bytes' | 'watches' | 'tokens' | 'connections';
const SCALARS: readonly Scalar[] = ['objectsPerKind', 'bytes', 'watches', 'tokens', 'connections'];

/** The effective limits: the smallest value of each field over the defaults' overrides by every ApiQuota. */
export function combine(
  defaults: QuotaLimits,
  quotas: ReadonlyArray<{ name: string; spec: ApiQuotaSpec }>,
): { limits: QuotaLimits; source: Record<string, string> } {
  const limits: QuotaLimits = { ...defaults, objects: { ...defaults.objects } };
  const source: Record<string, string> = {};
  const taken = new Set<string>();
  for (const q of [...quotas].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const f of SCALARS) {
      const v = q.spec[f];
      if (v === undefined) continue;
      if (!taken.has(f) || v < limits[f]) {
        limits[f] = v;
        source[f] = q.name;
      }
      taken.add(f);
    }
    for (const [kind, v] of Object.entries(q.spec.objects ?? {})) {
      const f = `objects.${kind}`;
      if (!taken.has(f) || v < (limits.objects[kind] ?? Infinity)) {
        limits.objects[kind] = v;
        source[f] = q.name;
      }
      taken.add(f);
    }
  }
  return { limits, source };
}

/** The limit on objects of `kind`. */
export const objectLimit = (l: QuotaLimits, kind: string): number => l.objects[kind] ?? l.objectsPerKind;

/**
 * The refusal of a request that would exceed `field` of the namespace's quota. Stored amounts (objects, bytes,
 * tokens) are 403 QuotaExceeded; open watches and connections are 429 with Retry-After (they free up by themselves).
 */
export function quotaRefusal(
  ns: string,
  field: string,
  what: string,
  limit: number,
  used: number,
  requested: number,
  quotaName: string | undefined,
): ApiError {
  const quota = quotaName ? `ApiQuota ${ns}/${quotaName}` : 'the control-plane default quota';
  const detail =
    `exceeded quota: namespace ${ns} may hold at most ${limit} ${what} (${field} of ${quota}); ` +
    `${used} in use, ${requested} more requested`;
  const errors: FieldError[] = [{ field: `quota.${field}`, message: `limit ${limit}, used ${used} (${quota})` }];
  return field === 'watches' || field === 'connections'
    ? new ApiError('TooManyRequests', detail, errors, { 'Retry-After': '5' })
    : new ApiError('QuotaExceeded', detail, errors);
}
