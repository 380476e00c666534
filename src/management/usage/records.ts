// Usage records: what an agent reports per workload and interval, their wire validation and roll-up buckets.
import { ApiError, NAME_PATTERN, type FieldError } from '../../model/index.js';

/** Counters of one workload over [start, end): CPU seconds, integrals of memory and storage, bytes out, calls. */
export interface UsageCounters {
  cpuSeconds: number;
  /** Resident memory integrated over the interval (bytes × seconds). */
  memoryByteSeconds: number;
  /** Disk used integrated over the interval (bytes × seconds). */
  storageByteSeconds: number;
  /** Bytes the workload sent out (gateway or interface counters). */
  egressBytes: number;
  /** Function invocations. */
  invocations: number;
  /** Energy attributed to the workload (kWh), when a power model supplies it. */
  energyKWh: number;
}

/** One usage record. Times are milliseconds since the epoch; the record belongs to the hour `start` falls in. */
export interface UsageRecord extends UsageCounters {
  site: string;
  namespace: string;
  workload: string;
  deployment: string;
  component: string;
  start: number;
  end: number;
}

export const COUNTERS: ReadonlyArray<keyof UsageCounters> = [
  'cpuSeconds',
  'memoryByteSeconds',
  'storageByteSeconds',
  'egressBytes',
  'invocations',
  'energyKWh',
];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Start of the UTC hour / day containing `ms`. */
export const hourOf = (ms: number): number => ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
export const dayOf = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

/** Most records one batch may carry (the ingest route refuses larger ones). */
export const MAX_BATCH = 10_000;
/** Longest interval one record may cover (a sample period is seconds to minutes). */
export const MAX_SPAN_MS = DAY_MS;

const NAME = new RegExp(NAME_PATTERN);
/** Workload names and deployment labels: DNS labels; an empty deployment/component means "not part of one". */
const isName = (v: unknown, optional = false): v is string =>
  typeof v === 'string' && ((optional && v === '') || (v.length <= 253 && NAME.test(v)));
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e18;

/**
 * Records of the columnar form (`{columns: ["site", ...], rows: [["s1", ...], ...]}`): the same fields, each name
 * once, parsed faster and half the bytes. Returns objects for the field checks of parseBatch.
 */
function fromColumns(columns: unknown, rows: unknown): unknown[] {
  const cols = Array.isArray(columns) ? columns : [];
  const bad = cols.findIndex((c, i) => typeof c !== 'string' || !KNOWN.has(c) || cols.indexOf(c) !== i);
  if (!Array.isArray(columns) || bad >= 0)
    throw new ApiError('BadRequest', 'columns must name known record fields, each once', [
      { field: bad >= 0 ? `columns[${bad}]` : 'columns', message: 'unknown or repeated field' },
    ]);
  if (!Array.isArray(rows))
    throw new ApiError('BadRequest', 'rows must be an array', [{ field: 'rows', message: 'must be an array' }]);
  if (rows.length > MAX_BATCH)
    throw new ApiError('BadRequest', `at most ${MAX_BATCH} records per batch`, [
      { field: 'rows', message: `has ${rows.length} items` },
    ]);
  const names = cols as string[];
  return rows.map((r, i) => {
    if (!Array.isArray(r) || r.length !== names.length)
      throw new ApiError('BadRequest', `rows[${i}] must have ${names.length} values`, [
        { field: `rows[${i}]`, message: `must be an array of ${names.length} values` },
      ]);
    const o: Record<string, unknown> = {};
    for (let k = 0; k < names.length; k++) o[names[k]] = r[k];
    return o;
  });
}

/**
 * Validates a batch body (`{records: [...]}`) field by field, without a schema compiler (the ingest path is hot).
 * `site` is the site the caller may report for: every record must name it. Throws BadRequest with field paths.
 */
export function parseBatch(body: unknown, site: string): UsageRecord[] {
  const b = body as { records?: unknown; columns?: unknown; rows?: unknown } | null;
  const recs = b && b.columns !== undefined ? fromColumns(b.columns, b.rows) : b?.records;
  if (!Array.isArray(recs))
    throw new ApiError('BadRequest', 'body must be {"records": [...]} or {"columns": [...], "rows": [[...]]}', [
      { field: 'records', message: 'must be an array' },
    ]);
  if (recs.length > MAX_BATCH)
    throw new ApiError('BadRequest', `at most ${MAX_BATCH} records per batch`, [
      { field: 'records', message: `has ${recs.length} items` },
    ]);
  const errors: FieldError[] = [];
  const out: UsageRecord[] = new Array<UsageRecord>(recs.length);
  for (let i = 0; i < recs.length && errors.length < 20; i++) {
    const r = recs[i] as Record<string, unknown> | null;
    const at = (f: string): string => `records[${i}].${f}`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      errors.push({ field: `records[${i}]`, message: 'must be an object' });
      continue;
    }
    if (r.site !== site)
      errors.push({ field: at('site'), message: `must be ${site}, the site this agent reports for` });
    if (!isName(r.namespace)) errors.push({ field: at('namespace'), message: 'must be a namespace name' });
    if (!isName(r.workload)) errors.push({ field: at('workload'), message: 'must be a workload name' });
    const deployment = r.deployment ?? '';
    const component = r.component ?? '';
    if (!isName(deployment, true)) errors.push({ field: at('deployment'), message: 'must be a name or empty' });
    if (!isName(component, true)) errors.push({ field: at('component'), message: 'must be a name or empty' });
    const { start, end } = r;
    if (!Number.isSafeInteger(start) || (start as number) < 0)
      errors.push({ field: at('start'), message: 'must be epoch milliseconds' });
    else if (
      !Number.isSafeInteger(end) ||
      (end as number) <= (start as number) ||
      (end as number) - (start as number) > MAX_SPAN_MS
    )
      errors.push({ field: at('end'), message: 'must be after start, at most one day later' });
    for (const c of COUNTERS) {
      const v = r[c] ?? 0;
      if (!isAmount(v)) errors.push({ field: at(c), message: 'must be a finite number ≥ 0' });
    }
    const extra = Object.keys(r).find((k) => !KNOWN.has(k));
    if (extra !== undefined) errors.push({ field: at(extra), message: 'unknown field' });
    out[i] = {
      site,
      namespace: r.namespace as string,
      workload: r.workload as string,
      deployment: deployment as string,
      component: component as string,
      start: start as number,
      end: end as number,
      cpuSeconds: (r.cpuSeconds as number) ?? 0,
      memoryByteSeconds: (r.memoryByteSeconds as number) ?? 0,
      storageByteSeconds: (r.storageByteSeconds as number) ?? 0,
      egressBytes: (r.egressBytes as number) ?? 0,
      invocations: (r.invocations as number) ?? 0,
      energyKWh: (r.energyKWh as number) ?? 0,
    };
  }
  if (errors.length) throw new ApiError('BadRequest', `invalid usage records (${errors.length} problem(s))`, errors);
  return out;
}

const KNOWN = new Set<string>([
  'site',
  'namespace',
  'workload',
  'deployment',
  'component',
  'start',
  'end',
  ...COUNTERS,
]);
