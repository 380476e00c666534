// Test support for the PostgreSQL engine: server URL, reachability check, throw-away schemas.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresBackend, type PostgresOptions } from '../backend.js';

export const PG_URL = process.env.CONTINUUM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Set CONTINUUM_SKIP_PG=1 to skip on machines without PostgreSQL; otherwise an unreachable server fails. */
export const SKIP_PG = process.env.CONTINUUM_SKIP_PG === '1';

export class PgTestDatabase {
  private readonly schemas = new Set<string>();

  /** Throws a message saying what to do when the server cannot be reached. */
  async check(): Promise<void> {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
    } catch (e) {
      throw new Error(
        `PostgreSQL tests need a server at ${PG_URL} (${(e as Error).message}). ` +
          'Start one, point CONTINUUM_TEST_PG_URL at another, or set CONTINUUM_SKIP_PG=1 to skip them.',
      );
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** A schema name nobody uses yet; it is dropped by `dropAll()`. */
  freshSchema(): string {
    const s = `continuum_test_${randomBytes(6).toString('hex')}`;
    this.schemas.add(s);
    return s;
  }

  open(schema: string, extra: Partial<PostgresOptions> = {}): Promise<PostgresBackend> {
    return PostgresBackend.open({ connectionString: PG_URL, schema, poolSize: 4, ...extra });
  }

  /** Runs one statement on a short-lived admin connection. */
  async query<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      return (await c.query<R>(text, params)).rows;
    } finally {
      await c.end();
    }
  }

  async dropAll(): Promise<void> {
    if (this.schemas.size > 0)
      await this.query(`DROP SCHEMA IF EXISTS ${[...this.schemas].map((s) => `"${s}"`).join(', ')} CASCADE`);
    this.schemas.clear();
  }
}
