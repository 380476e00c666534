// SQLite usage store (better-sqlite3, WAL): a file of its own beside the object store, so ingest never
// waits on the object store's write lock.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UsageRecord } from './records.js';
import { dayOf, hourOf } from './records.js';
import {
  COUNTER_COLUMNS,
  DEFAULT_RETENTION,
  toRecord,
  toRow,
  type Retention,
  type UsageQuery,
  type UsageRow,
  type UsageStore,
} from './store.js';

const ROLLUP_TABLE = (t: string): string => `
CREATE TABLE IF NOT EXISTS ${t} (
  bucket INTEGER NOT NULL, namespace TEXT NOT NULL, deployment TEXT NOT NULL, component TEXT NOT NULL,
  site TEXT NOT NULL, workload TEXT NOT NULL,
  cpu_s REAL NOT NULL, mem_bs REAL NOT NULL, sto_bs REAL NOT NULL, egress_b REAL NOT NULL,
  invocations REAL NOT NULL, energy_kwh REAL NOT NULL,
  PRIMARY KEY (bucket, namespace, deployment, component, site, workload)
) WITHOUT ROWID;`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS usage_raw (
  id INTEGER PRIMARY KEY, site TEXT NOT NULL, namespace TEXT NOT NULL, workload TEXT NOT NULL,
  deployment TEXT NOT NULL, component TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
  cpu_s REAL NOT NULL, mem_bs REAL NOT NULL, sto_bs REAL NOT NULL, egress_b REAL NOT NULL,
  invocations REAL NOT NULL, energy_kwh REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_raw_ns_start ON usage_raw (namespace, start_ms);
${ROLLUP_TABLE('usage_hourly')}
${ROLLUP_TABLE('usage_daily')}
CREATE TABLE IF NOT EXISTS usage_marks (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO usage_marks (key, value) VALUES ('rolled', 0);
`;

const INSERT = `INSERT INTO usage_raw (site, namespace, workload, deployment, component, start_ms, end_ms,
  cpu_s, mem_bs, sto_bs, egress_b, invocations, energy_kwh) VALUES`;
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const CHUNK = 50;

/** Writes one record's 13 column values into `args` from `at`; returns `args`. */
function bind(args: unknown[], at: number, r: UsageRecord): unknown[] {
  args[at] = r.site;
  args[at + 1] = r.namespace;
  args[at + 2] = r.workload;
  args[at + 3] = r.deployment;
  args[at + 4] = r.component;
  args[at + 5] = r.start;
  args[at + 6] = r.end;
  args[at + 7] = r.cpuSeconds;
  args[at + 8] = r.memoryByteSeconds;
  args[at + 9] = r.storageByteSeconds;
  args[at + 10] = r.egressBytes;
  args[at + 11] = r.invocations;
  args[at + 12] = r.energyKWh;
  return args;
}

const SUMS = COUNTER_COLUMNS.map((c) => `SUM(${c})`).join(', ');
const ADD = COUNTER_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');

export class SqliteUsageStore implements UsageStore {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly insertTx: (rs: readonly UsageRecord[]) => void;
  private readonly rollupTx: () => number;
  private readonly stmt: Record<string, Database.Statement>;

  /** `path` is a file (created with its directory) or ':memory:'. NORMAL sync survives kill -9, not power loss. */
  constructor(path: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const s = (sql: string): Database.Statement => this.db.prepare(sql);
    const fold = (t: string, unit: string): Database.Statement =>
      s(
        `INSERT INTO ${t} SELECT start_ms - (start_ms % ${unit}) AS b, namespace, deployment, component, site, workload,
         ${SUMS} FROM usage_raw WHERE id > ? AND id <= ? GROUP BY b, namespace, deployment, component, site, workload
         ORDER BY 1 ON CONFLICT DO UPDATE SET ${ADD}`,
      );
    this.stmt = {
      insert: s(`${INSERT} ${ROW}`),
      mark: s(`SELECT value FROM usage_marks WHERE key = 'rolled'`),
      setMark: s(`UPDATE usage_marks SET value = ? WHERE key = 'rolled'`),
      maxId: s(`SELECT COALESCE(MAX(id), 0) AS m FROM usage_raw`),
      foldHour: fold('usage_hourly', '3600000'),
      foldDay: fold('usage_daily', '86400000'),
      raw: s(`SELECT * FROM usage_raw WHERE namespace = ? AND start_ms >= ? AND start_ms < ? ORDER BY id LIMIT ?`),
      pruneRaw: s(`DELETE FROM usage_raw WHERE start_ms < ? AND id <= ?`),
      pruneHourly: s(`DELETE FROM usage_hourly WHERE bucket < ?`),
      pruneDaily: s(`DELETE FROM usage_daily WHERE bucket < ?`),
    };
    // Rows go in CHUNK at a time through one multi-row statement (a third of the per-row cost of single inserts).
    const many = s(`${INSERT} ${Array.from({ length: CHUNK }, () => ROW).join(', ')}`);
    this.insertTx = this.db.transaction((rs: readonly UsageRecord[]) => {
      const args: unknown[] = new Array<unknown>(CHUNK * 13);
      let i = 0;
      for (; i + CHUNK <= rs.length; i += CHUNK) {
        for (let k = 0; k < CHUNK; k++) bind(args, k * 13, rs[i + k]);
        many.run(args);
      }
      const one: unknown[] = new Array<unknown>(13);
      for (; i < rs.length; i++) this.stmt.insert.run(bind(one, 0, rs[i]));
    });
    this.rollupTx = this.db.transaction((): number => {
      const from = (this.stmt.mark.get() as { value: number }).value;
      const to = (this.stmt.maxId.get() as { m: number }).m;
      if (to <= from) return 0;
      this.stmt.foldHour.run(from, to);
      this.stmt.foldDay.run(from, to);
      this.stmt.setMark.run(to);
      return to - from;
    });
  }

  async insert(records: readonly UsageRecord[]): Promise<void> {
    if (records.length) this.insertTx(records);
  }

  async rollup(): Promise<number> {
    return this.rollupTx();
  }

  async query(q: UsageQuery): Promise<UsageRow[]> {
    this.rollupTx();
    const table = q.granularity === 'day' ? 'usage_daily' : 'usage_hourly';
    const norm = q.granularity === 'day' ? dayOf : hourOf;
    const where = ['bucket >= ?', 'bucket < ?'];
    const args: unknown[] = [norm(q.from), q.to];
    for (const f of ['namespace', 'deployment', 'workload'] as const)
      if (q[f] !== undefined) {
        where.push(`${f} = ?`);
        args.push(q[f]);
      }
    const rows = this.db
      .prepare(
        `SELECT * FROM ${table} WHERE ${where.join(' AND ')} ORDER BY bucket, namespace, deployment, component, site, workload`,
      )
      .all(...args) as Array<Record<string, unknown>>;
    return rows.map(toRow);
  }

  async raw(namespace: string, from: number, to: number, limit = 100_000): Promise<UsageRecord[]> {
    return (this.stmt.raw.all(namespace, from, to, limit) as Array<Record<string, unknown>>).map(toRecord);
  }

  async prune(
    now: number,
    retention: Retention = DEFAULT_RETENTION,
  ): Promise<{ raw: number; hourly: number; daily: number }> {
    this.rollupTx();
    const mark = (this.stmt.mark.get() as { value: number }).value;
    return this.db.transaction(() => ({
      raw: this.stmt.pruneRaw.run(now - retention.raw, mark).changes,
      hourly: this.stmt.pruneHourly.run(hourOf(now - retention.hourly)).changes,
      daily: retention.daily === undefined ? 0 : this.stmt.pruneDaily.run(dayOf(now - retention.daily)).changes,
    }))();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
