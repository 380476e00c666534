// SQLite engine (better-sqlite3, WAL): the embedded default. One file; revisions come from a counter row.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AnyResource } from '../../model/index.js';
import {
  PreconditionFailed,
  RevisionCompacted,
  type Backend,
  type Mutation,
  type ObjectKey,
  type Page,
  type StoredEvent,
  type StoredObject,
} from '../backend.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** FULL (default) survives power loss; NORMAL survives process crashes (kill -9) only. */
  synchronous?: 'FULL' | 'NORMAL';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  revision INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (resource, namespace, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  revision INTEGER PRIMARY KEY, type TEXT NOT NULL,
  resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO counters (key, value) VALUES ('revision', 0), ('compacted', 0);
`;

export class SqliteBackend implements Backend {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly listeners = new Set<() => void>();
  private readonly stmt: Record<string, Database.Statement>;
  private readonly commitTx: (m: Mutation) => number;
  private closed = false;

  constructor(opts: SqliteOptions) {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const s = (sql: string): Database.Statement => this.db.prepare(sql);
    this.stmt = {
      nextRev: s(`UPDATE counters SET value = value + 1 WHERE key = 'revision' RETURNING value`),
      rev: s(`SELECT value FROM counters WHERE key = 'revision'`),
      compacted: s(`SELECT value FROM counters WHERE key = 'compacted'`),
      setCompacted: s(`UPDATE counters SET value = ? WHERE key = 'compacted' AND value < ?`),
      getRev: s(`SELECT revision FROM objects WHERE resource = ? AND namespace = ? AND name = ?`),
      get: s(`SELECT revision, data FROM objects WHERE resource = ? AND namespace = ? AND name = ?`),
      insert: s(`INSERT INTO objects (resource, namespace, name, revision, data) VALUES (?, ?, ?, ?, ?)`),
      update: s(`UPDATE objects SET revision = ?, data = ? WHERE resource = ? AND namespace = ? AND name = ?`),
      remove: s(`DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?`),
      event: s(`INSERT INTO events (revision, type, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)`),
      events: s(
        `SELECT revision, type, resource, namespace, name, data FROM events WHERE revision > ? ORDER BY revision LIMIT ?`,
      ),
      dropEvents: s(`DELETE FROM events WHERE revision <= ?`),
      historyBytes: s(`SELECT COALESCE(SUM(length(CAST(data AS BLOB))), 0) AS n FROM events`),
      bytesPoint: s(
        `SELECT revision FROM (SELECT revision, SUM(length(CAST(data AS BLOB))) OVER (ORDER BY revision DESC) AS acc
         FROM events) WHERE acc > ? ORDER BY revision DESC LIMIT 1`,
      ),
      scanAll: s(
        `SELECT revision, data FROM objects WHERE resource = ? AND (namespace, name) > (?, ?) ORDER BY namespace, name LIMIT ?`,
      ),
      scanNs: s(
        `SELECT revision, data FROM objects WHERE resource = ? AND namespace = ? AND name > ? ORDER BY name LIMIT ?`,
      ),
    };
    this.commitTx = this.db.transaction((m: Mutation): number => {
      const k = m.key;
      const current = this.stmt.getRev.get(k.resource, k.namespace, k.name) as { revision: number } | undefined;
      if (m.op === 'create' && current) throw new PreconditionFailed('exists', k, current.revision);
      if (m.op !== 'create') {
        if (!current) throw new PreconditionFailed('missing', k);
        if (current.revision !== m.expectedRevision) throw new PreconditionFailed('revision', k, current.revision);
      }
      const rev = (this.stmt.nextRev.get() as { value: number }).value;
      m.object.metadata.resourceVersion = String(rev);
      const data = JSON.stringify(m.object);
      if (m.op === 'create') this.stmt.insert.run(k.resource, k.namespace, k.name, rev, data);
      else if (m.op === 'update') this.stmt.update.run(rev, data, k.resource, k.namespace, k.name);
      else this.stmt.remove.run(k.resource, k.namespace, k.name);
      const type = m.op === 'create' ? 'ADDED' : m.op === 'update' ? 'MODIFIED' : 'DELETED';
      this.stmt.event.run(rev, type, k.resource, k.namespace, k.name, data);
      return rev;
    }).immediate as unknown as (m: Mutation) => number;
  }

  private notify(): void {
    for (const l of this.listeners) queueMicrotask(l);
  }

  async commit(m: Mutation): Promise<number> {
    this.assertOpen();
    const rev = this.commitTx(m);
    this.notify();
    return rev;
  }

  async get(key: ObjectKey): Promise<StoredObject | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(key.resource, key.namespace, key.name) as
      { revision: number; data: string } | undefined;
    return row ? { revision: row.revision, object: JSON.parse(row.data) as AnyResource } : undefined;
  }

  async scan(
    resource: string,
    namespace: string | undefined,
    after: { namespace: string; name: string } | undefined,
    limit: number,
  ): Promise<Page> {
    this.assertOpen();
    const revision = (this.stmt.rev.get() as { value: number }).value;
    const rows = (
      namespace !== undefined
        ? this.stmt.scanNs.all(resource, namespace, after?.namespace === namespace ? after.name : '', limit)
        : this.stmt.scanAll.all(resource, after?.namespace ?? '', after?.name ?? '', limit)
    ) as Array<{ revision: number; data: string }>;
    // (namespace, name) > ('', '') skips cluster-scoped objects named ''; names are never empty.
    return { revision, items: rows.map((r) => ({ revision: r.revision, object: JSON.parse(r.data) as AnyResource })) };
  }

  async revision(): Promise<number> {
    this.assertOpen();
    return (this.stmt.rev.get() as { value: number }).value;
  }

  async events(after: number, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    const compacted = (this.stmt.compacted.get() as { value: number }).value;
    if (after < compacted) throw new RevisionCompacted(after, compacted + 1);
    const rows = this.stmt.events.all(after, limit) as Array<{
      revision: number;
      type: StoredEvent['type'];
      resource: string;
      namespace: string;
      name: string;
      data: string;
    }>;
    return rows.map((r) => ({
      revision: r.revision,
      type: r.type,
      key: { resource: r.resource, namespace: r.namespace, name: r.name },
      object: JSON.parse(r.data) as AnyResource,
    }));
  }

  async compact(upTo: number): Promise<void> {
    this.assertOpen();
    this.db
      .transaction(() => {
        this.stmt.dropEvents.run(upTo);
        this.stmt.setCompacted.run(upTo, upTo);
      })
      .immediate();
  }

  async historyBytes(): Promise<number> {
    this.assertOpen();
    return (this.stmt.historyBytes.get() as { n: number }).n;
  }

  async compactionPointForBytes(maxBytes: number): Promise<number | undefined> {
    this.assertOpen();
    const row = this.stmt.bytesPoint.get(maxBytes) as { revision: number } | undefined;
    if (!row) return undefined;
    const newest = (this.stmt.rev.get() as { value: number }).value;
    return Math.min(row.revision, newest - 1);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.db.close();
  }
}
