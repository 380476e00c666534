// PostgreSQL engine (pg): several control-plane replicas share one schema; revisions come from a locked counter row.
import pg from 'pg';
import type { AnyResource } from '../../model/index.js';
import {
  PreconditionFailed,
  RevisionCompacted,
  type Backend,
  type EventType,
  type Mutation,
  type ObjectKey,
  type Page,
  type StoredEvent,
  type StoredObject,
} from '../backend.js';
import { ChangeListener } from './listener.js';
import { sqlFor, type Sql } from './sql.js';

export interface PostgresOptions {
  /** libpq-style URL, e.g. postgres://user:pass@host:5432/db. */
  connectionString: string;
  /** Schema holding this store's tables, created if missing (default 'continuum'). One schema = one store. */
  schema?: string;
  /** Pooled connections for reads and writes (default 10); one more is used for LISTEN once watched. */
  poolSize?: number;
  /** Wake-up interval while the LISTEN connection is down (default 1000 ms). */
  pollMs?: number;
}

/**
 * Writers run at READ COMMITTED and take the next revision with `UPDATE counters ... RETURNING` as their
 * first write. The row lock that UPDATE takes is held until commit, so writers are serialised in
 * revision order: writer N+1 obtains its revision only after writer N has committed (or rolled back, in
 * which case N is reused — revisions stay gap-free). Hence every snapshot sees a prefix of the revision
 * sequence: events(after) never returns N+1 while N may still commit. Each later statement of the
 * transaction takes a fresh snapshot, so the precondition check sees every earlier commit.
 */
const READ_COMMITTED = 'BEGIN ISOLATION LEVEL READ COMMITTED';
/**
 * A write transaction holds the global revision lock, so a client that stalls or vanishes inside one
 * would stop every writer; the server ends such a session after 5 s idle in the transaction.
 */
const WRITE_TX = `${READ_COMMITTED}; SET LOCAL idle_in_transaction_session_timeout = '5s'`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v as string); // int8 arrives as a string
const parse = (data: unknown): AnyResource => JSON.parse(data as string) as AnyResource;

/** The URL without its password, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable connection string)';
  }
}

export class PostgresBackend implements Backend {
  readonly engine = 'postgres' as const;
  readonly schema: string;
  private readonly sql: Sql;
  private readonly pool: pg.Pool;
  private readonly changes: ChangeListener;
  private readonly listeners = new Set<() => void>();
  private ready: Promise<void> | undefined;
  private begin = WRITE_TX;
  private closed = false;

  /** Connects and migrates before resolving (errors surface here rather than on first use). */
  static async open(opts: PostgresOptions): Promise<PostgresBackend> {
    const b = new PostgresBackend(opts);
    try {
      await b.init();
    } catch (e) {
      await b.close();
      throw e;
    }
    return b;
  }

  constructor(private readonly opts: PostgresOptions) {
    this.schema = opts.schema ?? 'continuum';
    this.sql = sqlFor(this.schema);
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: `continuum:${this.schema}`.slice(0, 63),
    });
    // An idle pooled connection that dies is dropped by the pool; the next query opens a fresh one.
    this.pool.on('error', () => undefined);
    this.changes = new ChangeListener({
      connectionString: opts.connectionString,
      channel: this.sql.channel,
      applicationName: `continuum-listen:${this.schema}`.slice(0, 63),
      pollMs: opts.pollMs ?? 1000,
      onWake: () => this.wake(),
    });
  }

  /** Migrates once; a failure (e.g. database down at startup) is retried by the next call. */
  private init(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    this.ready ??= this.migrate().catch((e: unknown) => {
      this.ready = undefined;
      throw new Error(
        `PostgreSQL store (${redact(this.opts.connectionString)}, schema ${this.schema}): ${(e as Error).message}`,
        { cause: e },
      );
    });
    return this.ready;
  }

  /** Idempotent, and safe when several replicas start at once: DDL runs under a per-schema advisory lock. */
  private async migrate(): Promise<void> {
    const { sc, ok } = (
      await this.pool.query<Row>(`SELECT current_setting('synchronous_commit') AS sc, (${this.sql.migrated}) AS ok`)
    ).rows[0];
    // 'off' acknowledges commits before they are flushed; writes then opt back in per transaction.
    if (sc === 'off') this.begin = `${WRITE_TX}; SET LOCAL synchronous_commit = on`;
    if (ok === true) return;
    await this.transaction('BEGIN', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', this.sql.lock);
      for (const stmt of this.sql.ddl) await c.query(stmt);
    });
  }

  /** Runs `fn` in one transaction on one pooled connection; a connection that failed is discarded. */
  private async transaction<T>(begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool error handler; without this a dropped connection would crash.
    const onError = (e: Error): void => void (broken = e);
    c.on('error', onError);
    try {
      await c.query(begin);
      try {
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        // A failed COMMIT (connection lost) leaves the outcome unknown, as with any networked database.
        await c.query('ROLLBACK').catch((err: Error) => (broken = err));
        throw e;
      }
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  private async use(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    await this.init();
    // Started lazily (only watched stores need the extra connection); idempotent.
    if (this.listeners.size > 0) this.changes.start();
  }

  private wake(): void {
    for (const l of this.listeners) queueMicrotask(l);
  }

  async commit(m: Mutation): Promise<number> {
    await this.use();
    const rev = await this.transaction(this.begin, (c) => this.write(c, m));
    m.object.metadata.resourceVersion = String(rev);
    this.wake();
    return rev;
  }

  /** The body of the write transaction; throws PreconditionFailed exactly as the SQLite engine does. */
  private async write(c: pg.PoolClient, m: Mutation): Promise<number> {
    const k = m.key;
    // Must stay the transaction's first write: see the ordering note on READ_COMMITTED.
    const rev = num((await c.query<Row>(this.sql.nextRev)).rows[0].value);
    const object = { ...m.object, metadata: { ...m.object.metadata, resourceVersion: String(rev) } };
    const params: unknown[] = [k.resource, k.namespace, k.name, rev, JSON.stringify(object), this.sql.channel];
    if (m.op !== 'create') params.push(m.expectedRevision);
    const done = await c.query(this.sql.write[m.op], params);
    if (done.rowCount === 1) return rev;
    const cur = (await c.query<Row>(this.sql.getRev, [k.resource, k.namespace, k.name])).rows[0];
    const actual = cur ? num(cur.revision) : undefined;
    if (m.op === 'create') throw new PreconditionFailed('exists', k, actual);
    if (actual === undefined) throw new PreconditionFailed('missing', k);
    throw new PreconditionFailed('revision', k, actual);
  }

  async get(key: ObjectKey): Promise<StoredObject | undefined> {
    await this.use();
    const row = (await this.pool.query<Row>(this.sql.get, [key.resource, key.namespace, key.name])).rows[0];
    return row ? { revision: num(row.revision), object: parse(row.data) } : undefined;
  }

  async scan(
    resource: string,
    namespace: string | undefined,
    after: { namespace: string; name: string } | undefined,
    limit: number,
  ): Promise<Page> {
    await this.use();
    // (namespace, name) > ('', '') skips cluster-scoped objects named ''; names are never empty.
    const { rows } =
      namespace !== undefined
        ? await this.pool.query<Row>(this.sql.scanNs, [
            resource,
            namespace,
            after?.namespace === namespace ? after.name : '',
            limit,
          ])
        : await this.pool.query<Row>(this.sql.scanAll, [resource, after?.namespace ?? '', after?.name ?? '', limit]);
    const items = rows
      .filter((r) => r.data !== null)
      .map((r) => ({ revision: num(r.revision), object: parse(r.data) }));
    return { revision: num(rows[0].rev), items };
  }

  async revision(): Promise<number> {
    await this.use();
    return num((await this.pool.query<Row>(this.sql.revision)).rows[0].value);
  }

  async events(after: number, limit: number): Promise<StoredEvent[]> {
    await this.use();
    const { rows } = await this.pool.query<Row>(this.sql.events, [after, limit]);
    const compacted = num(rows[0].compacted);
    if (after < compacted) throw new RevisionCompacted(after, compacted + 1);
    return rows
      .filter((r) => r.revision !== null)
      .map((r) => ({
        revision: num(r.revision),
        type: r.type as EventType,
        key: { resource: r.resource as string, namespace: r.namespace as string, name: r.name as string },
        object: parse(r.data),
      }));
  }

  async compact(upTo: number): Promise<void> {
    await this.use();
    await this.pool.query(this.sql.compact, [upTo]);
  }

  async historyBytes(): Promise<number> {
    await this.use();
    const { rows } = await this.pool.query(this.sql.historyBytes);
    return num(rows[0].n);
  }

  async compactionPointForBytes(maxBytes: number): Promise<number | undefined> {
    await this.use();
    const { rows } = await this.pool.query(this.sql.bytesPoint, [maxBytes]);
    if (rows.length === 0) return undefined;
    return Math.min(num(rows[0].revision), (await this.revision()) - 1);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    this.use().catch(() => undefined);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.ready?.catch(() => undefined);
    await this.changes.stop();
    await this.pool.end();
  }
}
