// Strict parsing of native API query parameters (unknown parameters are rejected, not ignored).
import { ApiError } from '../../model/index.js';

export interface NativeQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  watch?: boolean;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  follow?: boolean;
  tailLines?: number;
  dryRun?: boolean;
  /** logs: the workload's previous run (before its last restart). */
  previous?: boolean;
  /** logs: only lines of the last N seconds (Kubernetes' sinceSeconds). */
  sinceSeconds?: number;
  /** logs: only lines since this RFC 3339 time, as ms since the epoch (Kubernetes' sinceTime). */
  sinceTime?: number;
  /** Kubernetes' standard parameters (see src/api/kube/README in ADR 0016): accepted and checked. */
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  pretty?: boolean;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  sendInitialEvents?: boolean;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  /** kubectl's --request-timeout as a Go duration ("8s", "1m0s"): caps a watch like timeoutSeconds. */
  timeout?: number;
  /** Table answers: what each row carries (default Metadata). */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

const oneOf = <T extends string>(k: string, v: string, values: readonly T[]): T => {
  if (!(values as readonly string[]).includes(v))
    throw new ApiError('BadRequest', `query parameter ${k} must be one of ${values.join(', ')}`, [
      { field: `query.${k}`, message: `one of ${values.join(', ')}` },
    ]);
  return v as T;
};

const bool = (k: string, v: string): boolean => {
  if (v === 'true' || v === '1' || v === '') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('BadRequest', `query parameter ${k} must be true or false`, [
    { field: `query.${k}`, message: 'must be a boolean' },
  ]);
};

const int = (k: string, v: string, min: number, max: number): number => {
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ApiError('BadRequest', `query parameter ${k} must be an integer in [${min}, ${max}]`, [
      { field: `query.${k}`, message: `integer in [${min}, ${max}]` },
    ]);
  }
  return Number(v);
};

const str = (k: string, v: string, max: number): string => {
  if (v.length > max)
    throw new ApiError('BadRequest', `query parameter ${k} is too long`, [
      { field: `query.${k}`, message: `at most ${max} characters` },
    ]);
  return v;
};

/** A Go duration of hours, minutes and seconds ("30s", "1m0s", "1h2m3.5s") in whole seconds (at least 1). */
function goDuration(k: string, v: string): number {
  const m = /^(?:(\d{1,5})h)?(?:(\d{1,5})m)?(?:(\d{1,7})(?:\.\d{1,9})?s)?$/.exec(v);
  if (!m || v === '')
    throw new ApiError('BadRequest', `query parameter ${k} must be a duration like 30s or 1m0s`, [
      { field: `query.${k}`, message: 'duration' },
    ]);
  const secs = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return Math.max(1, Math.min(secs, 86_400));
}

/** An RFC 3339 date-time ("2026-11-30T12:00:00Z", offsets and fractions allowed) as ms since the epoch. */
function rfc3339(k: string, v: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i.test(v);
  const ms = ok ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms))
    throw new ApiError('BadRequest', `query parameter ${k} must be an RFC 3339 time like 2026-11-30T12:00:00Z`, [
      { field: `query.${k}`, message: 'RFC 3339 date-time' },
    ]);
  return ms;
}

export function parseQuery(raw: Record<string, unknown>): NativeQuery {
  const q: NativeQuery = {};
  for (const [k, val] of Object.entries(raw)) {
    if (Array.isArray(val))
      throw new ApiError('BadRequest', `query parameter ${k} given more than once`, [
        { field: `query.${k}`, message: 'repeated' },
      ]);
    const v = String(val);
    switch (k) {
      case 'labelSelector':
        q.labelSelector = str(k, v, 4096);
        break;
      case 'fieldSelector':
        q.fieldSelector = str(k, v, 4096);
        break;
      case 'continue':
        q.continue = str(k, v, 4096);
        break;
      case 'resourceVersion':
        // Validated the same for get, list and watch (the store's rule: a decimal revision, or empty).
        if (!/^[0-9]{0,15}$/.test(v))
          throw new ApiError('BadRequest', `invalid resourceVersion ${JSON.stringify(v.slice(0, 32))}`, [
            { field: 'query.resourceVersion', message: 'must be a decimal revision' },
          ]);
        q.resourceVersion = v;
        break;
      case 'limit': {
        // limit=0 means "no limit", as in Kubernetes.
        const n = int(k, v, 0, 100_000);
        if (n > 0) q.limit = n;
        break;
      }
      case 'fieldManager':
        q.fieldManager = str(k, v, 128);
        break;
      case 'fieldValidation':
        q.fieldValidation = oneOf(k, v, ['Strict', 'Warn', 'Ignore'] as const);
        break;
      case 'propagationPolicy':
        q.propagationPolicy = oneOf(k, v, ['Orphan', 'Background', 'Foreground'] as const);
        break;
      case 'gracePeriodSeconds':
        q.gracePeriodSeconds = int(k, v, 0, 86_400);
        break;
      case 'pretty':
        q.pretty = bool(k, v);
        break;
      case 'resourceVersionMatch':
        q.resourceVersionMatch = oneOf(k, v, ['NotOlderThan', 'Exact'] as const);
        break;
      case 'sendInitialEvents':
        q.sendInitialEvents = bool(k, v);
        break;
      case 'force':
        q.force = bool(k, v);
        break;
      case 'timeout':
        q.timeout = goDuration(k, v);
        break;
      case 'includeObject':
        q.includeObject = oneOf(k, v, ['None', 'Metadata', 'Object'] as const);
        break;
      case 'timeoutSeconds':
        q.timeoutSeconds = int(k, v, 0, 86_400) || undefined;
        break;
      case 'tailLines':
        q.tailLines = int(k, v, 0, 1_000_000);
        break;
      case 'watch':
        q.watch = bool(k, v);
        break;
      case 'allowWatchBookmarks':
        q.allowWatchBookmarks = bool(k, v);
        break;
      case 'follow':
        q.follow = bool(k, v);
        break;
      case 'previous':
        q.previous = bool(k, v);
        break;
      case 'sinceSeconds':
        q.sinceSeconds = int(k, v, 1, 10 * 365 * 86_400);
        break;
      case 'sinceTime':
        q.sinceTime = rfc3339(k, v);
        break;
      case 'dryRun':
        // Kubernetes spells it dryRun=All; true/1 are accepted too.
        q.dryRun = v === 'All' ? true : bool(k, v);
        break;
      default:
        throw new ApiError('BadRequest', `unknown query parameter ${JSON.stringify(k)}`, [
          { field: `query.${k}`, message: 'unknown parameter' },
        ]);
    }
  }
  if (q.sinceSeconds !== undefined && q.sinceTime !== undefined)
    throw new ApiError('BadRequest', 'at most one of sinceSeconds and sinceTime may be given', [
      { field: 'query.sinceTime', message: 'conflicts with sinceSeconds' },
    ]);
  return q;
}
