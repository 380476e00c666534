// SQL text of the PostgreSQL engine for one schema: tables, migration lock, and every statement it runs.
import { createHash } from 'node:crypto';
import type { Mutation } from '../backend.js';

/** Schema names the engine accepts: unquoted-safe lower-case identifiers, at most 63 bytes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** First key of the two-int advisory lock space reserved for Continuum migrations ("Cont"). */
const LOCK_CLASS = 0x436f6e74;

export interface Sql {
  /** Quoted schema identifier. */
  schema: string;
  /** NOTIFY channel for this schema (per database, so one store = one channel). */
  channel: string;
  /** Advisory lock key (class, object) serialising this schema's migrations across replicas. */
  lock: [number, number];
  /** Boolean expression: every table exists (lets replicas without CREATE privilege start on a migrated schema). */
  migrated: string;
  /** Idempotent DDL and seed rows, run under the advisory lock in one transaction. */
  ddl: string[];
  nextRev: string;
  getRev: string;
  get: string;
  revision: string;
  scanAll: string;
  scanNs: string;
  events: string;
  compact: string;
  historyBytes: string;
  bytesPoint: string;
  /** The write of one mutation, its event and its NOTIFY; returns one row iff its precondition held. */
  write: Record<Mutation['op'], string>;
}

const ident = (s: string): string => `"${s}"`;

/** Channel names are identifiers too (<= 63 bytes); long schema names fall back to a digest. */
function channelFor(schema: string): string {
  const plain = `continuum_${schema}`;
  return plain.length <= 63 ? plain : `continuum_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

export function sqlFor(schemaName: string): Sql {
  if (!SCHEMA_NAME.test(schemaName)) {
    throw new Error(
      `invalid PostgreSQL schema name ${JSON.stringify(schemaName)}: use lower-case letters, digits and '_' (at most 63, not starting with a digit)`,
    );
  }
  const s = ident(schemaName);
  const o = `${s}.objects`;
  const e = `${s}.events`;
  const c = `${s}.counters`;
  // Keys use the "C" collation: byte order, identical to SQLite and to JS string order for the
  // ASCII names the model allows, so continue tokens and listing order match across engines.
  const key = `resource text COLLATE "C" NOT NULL, namespace text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL`;
  const event = (type: string, from: string): string =>
    `e AS (INSERT INTO ${e} (revision, type, resource, namespace, name, data) SELECT $4::int8, '${type}', $1, $2, $3, $5 FROM ${from})`;
  const notify = `SELECT pg_notify($6, $4::int8::text) FROM w`;
  const where = `resource = $1 AND namespace = $2 AND name = $3`;
  return {
    schema: s,
    channel: channelFor(schemaName),
    lock: [LOCK_CLASS, createHash('sha256').update(schemaName).digest().readInt32BE(0)],
    migrated: `to_regclass('${o}') IS NOT NULL AND to_regclass('${e}') IS NOT NULL AND to_regclass('${c}') IS NOT NULL`,
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      // data is the JSON text as written (not JSONB): key order and every value round-trip exactly.
      `CREATE TABLE IF NOT EXISTS ${o} (${key}, revision int8 NOT NULL, data text NOT NULL, PRIMARY KEY (resource, namespace, name))`,
      `CREATE TABLE IF NOT EXISTS ${e} (revision int8 PRIMARY KEY, type text NOT NULL, ${key}, data text NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${c} (key text PRIMARY KEY, value int8 NOT NULL)`,
      `INSERT INTO ${c} (key, value) VALUES ('revision', 0), ('compacted', 0) ON CONFLICT (key) DO NOTHING`,
    ],
    nextRev: `UPDATE ${c} SET value = value + 1 WHERE key = 'revision' RETURNING value`,
    getRev: `SELECT revision FROM ${o} WHERE ${where}`,
    get: `SELECT revision, data FROM ${o} WHERE ${where}`,
    revision: `SELECT value FROM ${c} WHERE key = 'revision'`,
    // One statement = one snapshot: the counter and the rows are read together (the LEFT JOIN keeps
    // the counter row when the page is empty).
    scanAll: `SELECT r.value AS rev, x.revision, x.data FROM ${c} r LEFT JOIN LATERAL (
        SELECT namespace, name, revision, data FROM ${o} WHERE resource = $1 AND (namespace, name) > ($2, $3)
        ORDER BY namespace, name LIMIT $4) x ON true
      WHERE r.key = 'revision' ORDER BY x.namespace, x.name`,
    scanNs: `SELECT r.value AS rev, x.revision, x.data FROM ${c} r LEFT JOIN LATERAL (
        SELECT name, revision, data FROM ${o} WHERE resource = $1 AND namespace = $2 AND name > $3
        ORDER BY name LIMIT $4) x ON true
      WHERE r.key = 'revision' ORDER BY x.name`,
    // The compaction mark and the events are read in one snapshot, so a concurrent compact() can never
    // make this return a suffix with a silent hole in front of it.
    events: `SELECT k.value AS compacted, x.revision, x.type, x.resource, x.namespace, x.name, x.data FROM ${c} k LEFT JOIN LATERAL (
        SELECT revision, type, resource, namespace, name, data FROM ${e} WHERE revision > $1 ORDER BY revision LIMIT $2) x ON true
      WHERE k.key = 'compacted' ORDER BY x.revision`,
    // Clamped to the committed revision: marking not-yet-written revisions compacted would send
    // watchers Gone for events that were never dropped.
    historyBytes: `SELECT COALESCE(SUM(octet_length(data)), 0)::int8 AS n FROM ${e}`,
    bytesPoint: `SELECT revision FROM (SELECT revision, SUM(octet_length(data)) OVER (ORDER BY revision DESC) AS acc
      FROM ${e}) x WHERE acc > $1 ORDER BY revision DESC LIMIT 1`,
    compact: `WITH lim AS (SELECT LEAST($1::int8, value) AS v FROM ${c} WHERE key = 'revision'),
        d AS (DELETE FROM ${e} WHERE revision <= (SELECT v FROM lim))
      UPDATE ${c} SET value = (SELECT v FROM lim) WHERE key = 'compacted' AND value < (SELECT v FROM lim)`,
    // $1-$3 key, $4 revision, $5 data, $6 channel, $7 expected revision. Every writer already holds
    // the revision row lock, so these see the latest committed state of the object.
    write: {
      create: `WITH w AS (INSERT INTO ${o} (resource, namespace, name, revision, data) VALUES ($1, $2, $3, $4::int8, $5)
          ON CONFLICT (resource, namespace, name) DO NOTHING RETURNING 1), ${event('ADDED', 'w')} ${notify}`,
      update: `WITH w AS (UPDATE ${o} SET revision = $4::int8, data = $5 WHERE ${where} AND revision = $7::int8 RETURNING 1),
          ${event('MODIFIED', 'w')} ${notify}`,
      delete: `WITH w AS (DELETE FROM ${o} WHERE ${where} AND revision = $7::int8 RETURNING 1), ${event('DELETED', 'w')} ${notify}`,
    },
  };
}
