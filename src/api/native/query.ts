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
}

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
      case 'limit':
        q.limit = int(k, v, 1, 100_000);
        break;
      case 'timeoutSeconds':
        q.timeoutSeconds = int(k, v, 1, 86_400);
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
  return q;
}
