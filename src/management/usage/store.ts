// The usage store port: raw records in, hourly and daily roll-ups out, retention; one implementation per engine.
import type { UsageCounters, UsageRecord } from './records.js';

/** Counters of one workload in one bucket (an hour or a day starting at `bucket`, epoch ms). */
export interface UsageRow extends UsageCounters {
  bucket: number;
  namespace: string;
  deployment: string;
  component: string;
  site: string;
  workload: string;
}

export type Granularity = 'hour' | 'day';

export interface UsageQuery {
  granularity: Granularity;
  /** Buckets starting at or after `from` and before `to` (epoch ms). */
  from: number;
  to: number;
  namespace?: string;
  deployment?: string;
  workload?: string;
}

/** How long each level is kept (ms); daily roll-ups are kept for ever unless `daily` is set. */
export interface Retention {
  raw: number;
  hourly: number;
  daily?: number;
}

export const DEFAULT_RETENTION: Retention = { raw: 7 * 86_400_000, hourly: 400 * 86_400_000 };

export interface UsageStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Appends records durably in one transaction. */
  insert(records: readonly UsageRecord[]): Promise<void>;
  /**
   * Folds every raw record inserted since the last roll-up into the hourly and daily tables (records arriving
   * late, e.g. from an agent that was offline, are folded in when they arrive). Returns how many were folded.
   */
  rollup(): Promise<number>;
  /** Roll-up rows, ordered by bucket, namespace, deployment, component, site, workload. Rolls up first. */
  query(q: UsageQuery): Promise<UsageRow[]>;
  /** Raw records of a namespace with `start` in [from, to), in insertion order (audit, reproducibility). */
  raw(namespace: string, from: number, to: number, limit?: number): Promise<UsageRecord[]>;
  /** Drops raw records (already rolled up) and roll-ups older than the retention, relative to `now`. */
  prune(now: number, retention?: Retention): Promise<{ raw: number; hourly: number; daily: number }>;
  close(): Promise<void>;
}

/** Column names shared by both engines, in the order rows carry them. */
export const KEY_COLUMNS = ['namespace', 'deployment', 'component', 'site', 'workload'] as const;
export const COUNTER_COLUMNS = ['cpu_s', 'mem_bs', 'sto_bs', 'egress_b', 'invocations', 'energy_kwh'] as const;

/** A roll-up row from a database row (numeric columns may arrive as strings from pg). */
export function toRow(r: Record<string, unknown>): UsageRow {
  return {
    bucket: Number(r.bucket),
    namespace: String(r.namespace),
    deployment: String(r.deployment),
    component: String(r.component),
    site: String(r.site),
    workload: String(r.workload),
    cpuSeconds: Number(r.cpu_s),
    memoryByteSeconds: Number(r.mem_bs),
    storageByteSeconds: Number(r.sto_bs),
    egressBytes: Number(r.egress_b),
    invocations: Number(r.invocations),
    energyKWh: Number(r.energy_kwh),
  };
}

export function toRecord(r: Record<string, unknown>): UsageRecord {
  const { bucket: _b, ...row } = toRow({ ...r, bucket: 0 });
  return { ...row, start: Number(r.start_ms), end: Number(r.end_ms) };
}
