// PostgreSQL usage store (pg): tables in the control plane's schema, shared by every replica; batches go in
// as one INSERT over unnest()ed arrays.
import pg from 'pg';
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
  bucket BIGINT NOT NULL, namespace TEXT NOT NULL, deployment TEXT NOT NULL, component TEXT NOT NULL,
  site TEXT NOT NULL, workload TEXT NOT NULL,
  cpu_s DOUBLE PRECISION NOT NULL, mem_bs DOUBLE PRECISION NOT NULL, sto_bs DOUBLE PRECISION NOT NULL,
  egress_b DOUBLE PRECISION NOT NULL, invocations DOUBLE PRECISION NOT NULL, energy_kwh DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (bucket, namespace, deployment, component, site, workload)
);`;

const schemaSql = (s: string): string => `
CREATE SCHEMA IF NOT EXISTS "${s}";
SET LOCAL search_path TO "${s}";
CREATE TABLE IF NOT EXISTS usage_raw (
  id BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, namespace TEXT NOT NULL, workload TEXT NOT NULL,
  deployment TEXT NOT NULL, component TEXT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL,
  cpu_s DOUBLE PRECISION NOT NULL, mem_bs DOUBLE PRECISION NOT NULL, sto_bs DOUBLE PRECISION NOT NULL,
  egress_b DOUBLE PRECISION NOT NULL, invocations DOUBLE PRECISION NOT NULL, energy_kwh DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_raw_ns_start ON usage_raw (namespace, start_ms);
${ROLLUP_TABLE('usage_hourly')}
${ROLLUP_TABLE('usage_daily')}
CREATE TABLE IF NOT EXISTS usage_marks (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO usage_marks (key, value) VALUES ('rolled', 0) ON CONFLICT DO NOTHING;
`;

const SUMS = COUNTER_COLUMNS.map((c) => `SUM(${c})`).join(', ');
const ADD = COUNTER_COLUMNS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ');

export class PostgresUsageStore implements UsageStore {
  readonly engine = 'postgres' as const;
  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  /** Opens a pool on `connectionString` and creates the tables in `schema` (default 'continuum') if missing. */
  static async open(o: { connectionString: string; schema?: string; poolSize?: number }): Promise<PostgresUsageStore> {
    const schema = o.schema ?? 'continuum';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: o.connectionString,
      max: o.poolSize ?? 4,
      options: `-c search_path="${schema}"`,
    });
    pool.on('error', () => undefined);
    const store = new PostgresUsageStore(pool, schema);
    try {
      await store.tx(async (c) => {
        // Replicas starting together: one creates the tables, the others wait for it.
        await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}.usage`]);
        await c.query(schemaSql(schema));
      });
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return store;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async insert(rs: readonly UsageRecord[]): Promise<void> {
    if (!rs.length) return;
    const col = <T>(f: (r: UsageRecord) => T): T[] => rs.map(f);
    await this.pool.query(
      `INSERT INTO usage_raw (site, namespace, workload, deployment, component, start_ms, end_ms,
       cpu_s, mem_bs, sto_bs, egress_b, invocations, energy_kwh)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
       $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[])`,
      [
        col((r) => r.site),
        col((r) => r.namespace),
        col((r) => r.workload),
        col((r) => r.deployment),
        col((r) => r.component),
        col((r) => r.start),
        col((r) => r.end),
        col((r) => r.cpuSeconds),
        col((r) => r.memoryByteSeconds),
        col((r) => r.storageByteSeconds),
        col((r) => r.egressBytes),
        col((r) => r.invocations),
        col((r) => r.energyKWh),
      ],
    );
  }

  async rollup(): Promise<number> {
    return this.tx(async (c) => {
      // SHARE mode waits for inserts in flight, so no id below the new mark can still commit later.
      await c.query('LOCK TABLE usage_raw IN SHARE MODE');
      await c.query('LOCK TABLE usage_marks IN EXCLUSIVE MODE');
      const from = Number((await c.query(`SELECT value FROM usage_marks WHERE key = 'rolled'`)).rows[0].value);
      const to = Number((await c.query(`SELECT COALESCE(MAX(id), 0) AS m FROM usage_raw`)).rows[0].m);
      if (to <= from) return 0;
      for (const [t, unit] of [
        ['usage_hourly', 3_600_000],
        ['usage_daily', 86_400_000],
      ] as const)
        await c.query(
          `INSERT INTO ${t} AS t SELECT start_ms - (start_ms % ${unit}) AS b, namespace, deployment, component, site,
           workload, ${SUMS} FROM usage_raw WHERE id > $1 AND id <= $2
           GROUP BY b, namespace, deployment, component, site, workload
           ON CONFLICT (bucket, namespace, deployment, component, site, workload) DO UPDATE SET ${ADD}`,
          [from, to],
        );
      await c.query(`UPDATE usage_marks SET value = $1 WHERE key = 'rolled'`, [to]);
      return to - from;
    });
  }

  async query(q: UsageQuery): Promise<UsageRow[]> {
    await this.rollup();
    const table = q.granularity === 'day' ? 'usage_daily' : 'usage_hourly';
    const norm = q.granularity === 'day' ? dayOf : hourOf;
    const args: unknown[] = [norm(q.from), q.to];
    const where = ['bucket >= $1', 'bucket < $2'];
    for (const f of ['namespace', 'deployment', 'workload'] as const)
      if (q[f] !== undefined) {
        args.push(q[f]);
        where.push(`${f} = $${args.length}`);
      }
    const r = await this.pool.query(
      `SELECT * FROM ${table} WHERE ${where.join(' AND ')}
       ORDER BY bucket, namespace, deployment, component, site, workload`,
      args,
    );
    return r.rows.map(toRow);
  }

  async raw(namespace: string, from: number, to: number, limit = 100_000): Promise<UsageRecord[]> {
    const r = await this.pool.query(
      `SELECT * FROM usage_raw WHERE namespace = $1 AND start_ms >= $2 AND start_ms < $3 ORDER BY id LIMIT $4`,
      [namespace, from, to, limit],
    );
    return r.rows.map(toRecord);
  }

  async prune(
    now: number,
    retention: Retention = DEFAULT_RETENTION,
  ): Promise<{ raw: number; hourly: number; daily: number }> {
    await this.rollup();
    return this.tx(async (c) => {
      const mark = Number((await c.query(`SELECT value FROM usage_marks WHERE key = 'rolled'`)).rows[0].value);
      const raw = await c.query(`DELETE FROM usage_raw WHERE start_ms < $1 AND id <= $2`, [now - retention.raw, mark]);
      const hourly = await c.query(`DELETE FROM usage_hourly WHERE bucket < $1`, [hourOf(now - retention.hourly)]);
      const daily =
        retention.daily === undefined
          ? { rowCount: 0 }
          : await c.query(`DELETE FROM usage_daily WHERE bucket < $1`, [dayOf(now - retention.daily)]);
      return { raw: raw.rowCount ?? 0, hourly: hourly.rowCount ?? 0, daily: daily.rowCount ?? 0 };
    });
  }

  /** The schema holding the tables. */
  get schemaName(): string {
    return this.schema;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
