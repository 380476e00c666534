// Tests for Secret envelope encryption: no plaintext at rest (object, SQLite file, logs, audit), tamper binding, rotation, redaction.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, validateObject } from '../../model/index.js';
import { generateKeyPairSync } from 'node:crypto';
import { AuditLog } from '../audit/log.js';
import { MemoryAuditSink } from '../audit/sink.js';
import { SecretKind } from '../kinds.js';
import { redact } from '../redact.js';
import { SecretCodec, redactSecret, rotateSecrets } from './codec.js';
import { SecretKeyring } from './keyring.js';

const PLAIN = 'correct-horse-battery-staple-42';
const PLAIN_B64 = Buffer.from('s3cr3t-api-key-value').toString('base64');
const secret = (name = 'db', namespace = 'acme') => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Secret',
  metadata: { name, namespace },
  spec: { type: 'Opaque', stringData: { password: PLAIN }, data: { apiKey: PLAIN_B64 } },
});
type Obj = ReturnType<typeof secret> & { spec: Record<string, unknown> };

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'ctm-sec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function noPlaintext(text: string): void {
  for (const needle of [PLAIN, PLAIN_B64, 's3cr3t-api-key-value', Buffer.from(PLAIN).toString('base64')])
    expect(text).not.toContain(needle);
}

describe('SecretCodec', () => {
  it('encrypts at rest, keeps only entry names, and decodes back to base64 data', () => {
    const codec = new SecretCodec(SecretKeyring.ephemeral());
    const stored = codec.encode(secret());
    noPlaintext(JSON.stringify(stored));
    expect(stored.spec).toEqual({
      type: 'Opaque',
      keys: ['apiKey', 'password'],
      encrypted: expect.objectContaining({ alg: 'A256GCM' }),
    });
    expect(validateObject(SecretKind, stored)).toEqual([]);
    expect(validateObject(SecretKind, secret())).toEqual([]);
    const back = codec.decode(stored) as Obj;
    expect(back.spec.data).toEqual({ apiKey: PLAIN_B64, password: Buffer.from(PLAIN).toString('base64') });
    expect(back.spec.encrypted).toBeUndefined();
    expect((back as { status?: unknown }).status).toEqual({ keyId: codec['keyring'].primaryKid });
    // The informational keyId never reaches storage.
    expect(JSON.stringify(codec.encode({ ...back, spec: { data: back.spec.data } }))).not.toContain('keyId');
  });

  it('is idempotent on stored objects and uses a fresh data key every time', () => {
    const codec = new SecretCodec(SecretKeyring.ephemeral());
    const a = codec.encode(secret());
    expect(codec.encode(a)).toBe(a);
    const b = codec.encode(secret());
    expect((a.spec as Obj['spec']).encrypted).not.toEqual((b.spec as Obj['spec']).encrypted);
  });

  it.each<[string, (o: Obj) => Obj]>([
    ['moved to another name', (o) => ({ ...o, metadata: { ...o.metadata, name: 'other' } })],
    ['moved to another namespace', (o) => ({ ...o, metadata: { ...o.metadata, namespace: 'evil' } })],
    [
      'ciphertext flipped',
      (o) => {
        const e = o.spec.encrypted as Record<string, string>;
        const ct = Buffer.from(e.ciphertext, 'base64');
        ct[0] ^= 1;
        return { ...o, spec: { ...o.spec, encrypted: { ...e, ciphertext: ct.toString('base64') } } };
      },
    ],
    [
      'wrapped key swapped',
      (o) => ({
        ...o,
        spec: {
          ...o.spec,
          encrypted: { ...(o.spec.encrypted as object), wrappedKey: Buffer.alloc(32).toString('base64') },
        },
      }),
    ],
  ])('refuses to decrypt when %s', (_n, tamper) => {
    const codec = new SecretCodec(SecretKeyring.ephemeral());
    expect(() => codec.decode(tamper(codec.encode(secret()) as Obj))).toThrow(/cannot be decrypted/);
  });

  it('rejects non-base64 data with a field error', () => {
    const codec = new SecretCodec(SecretKeyring.ephemeral());
    try {
      codec.encode({ ...secret(), spec: { data: { x: 'not base64!' } } });
      throw new Error('expected failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).errors).toEqual([{ field: 'spec.data.x', message: 'must be base64' }]);
    }
  });

  it('keeps secrets readable across rotation, re-encrypts them, then lets the old key go', async () => {
    const path = join(dir, 'keys', 'secrets-kek.json');
    const ring = SecretKeyring.loadOrCreate(path, new Date('2026-01-01T00:00:00Z'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const codec = new SecretCodec(ring);
    const db = new Map<string, unknown>([
      ['a', codec.encode(secret('a'))],
      ['b', codec.encode(secret('b'))],
    ]);
    const oldKid = ring.primaryKid;
    const newKid = ring.rotate(new Date('2026-02-01T00:00:00Z'));
    // A fresh process reading the file sees the rotation and can still read old objects.
    const reloaded = new SecretCodec(SecretKeyring.loadOrCreate(path));
    expect((reloaded.decode(db.get('a')) as Obj).spec.data).toHaveProperty(
      'password',
      Buffer.from(PLAIN).toString('base64'),
    );
    db.set('c', codec.encode(secret('c')));
    const result = await rotateSecrets(
      codec,
      [...db.entries()].map(([, v]) => v),
      (o) => void db.set((o as Obj).metadata.name, o),
    );
    expect(result).toEqual({ reencrypted: 2, unchanged: 1 });
    for (const v of db.values()) expect(((v as Obj).spec.encrypted as { kid: string }).kid).toBe(newKid);
    ring.retire(oldKid);
    for (const v of db.values()) expect((codec.decode(v) as Obj).spec.data).toHaveProperty('apiKey', PLAIN_B64);
    const stale = new SecretCodec(SecretKeyring.ephemeral()).encode(secret('z'));
    expect(() => codec.decode(stale)).toThrow(/no longer available/);
  });

  it('redacts values for callers who may list but not read', () => {
    const codec = new SecretCodec(SecretKeyring.ephemeral());
    for (const o of [secret(), codec.encode(secret()), codec.decode(codec.encode(secret()))]) {
      const r = redactSecret(o) as Obj;
      noPlaintext(JSON.stringify(r));
      expect(r.spec).toEqual({ type: 'Opaque', keys: ['apiKey', 'password'] });
    }
  });
});

describe('no secret plaintext on disk or in logs', () => {
  it('leaves no plaintext in a SQLite database file (incl. WAL) holding encoded Secrets', () => {
    const codec = new SecretCodec(SecretKeyring.loadOrCreate(join(dir, 'keys', 'secrets-kek.json')));
    const file = join(dir, 'continuum.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE objects (kind TEXT, namespace TEXT, name TEXT, body TEXT, PRIMARY KEY (kind, namespace, name))',
    );
    const put = db.prepare('INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 20; i++) put.run('Secret', 'acme', `s${i}`, JSON.stringify(codec.encode(secret(`s${i}`))));
    // Updates too: the old row versions must not carry plaintext either.
    for (let i = 0; i < 20; i++) put.run('Secret', 'acme', `s${i}`, JSON.stringify(codec.encode(secret(`s${i}`))));
    const rows = db.prepare('SELECT body FROM objects').all() as Array<{ body: string }>;
    expect((codec.decode(JSON.parse(rows[0].body)) as Obj).spec.data).toHaveProperty(
      'password',
      Buffer.from(PLAIN).toString('base64'),
    );
    const bytes = readdirSync(dir)
      .filter((f) => f.startsWith('continuum.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    db.close();
    expect(bytes.length).toBeGreaterThan(0);
    noPlaintext(bytes);
  });

  it('keeps plaintext out of redacted log lines and audit records about Secret writes', async () => {
    const line = JSON.stringify(
      redact({ msg: 'create', body: secret(), headers: { authorization: 'Bearer eyJabc.eyJdef.sig' } }),
    );
    noPlaintext(line);
    expect(line).not.toContain('eyJabc');
    const sink = new MemoryAuditSink();
    const log = await AuditLog.open(sink, generateKeyPairSync('ed25519'));
    await log.append({
      requestId: 'r1',
      actor: { subject: 'alice' },
      action: 'create',
      resource: { kind: 'Secret', namespace: 'acme', name: 'db' },
      outcome: 'error',
      status: 422,
      reason: `spec.stringData.password: password=${PLAIN} too long`,
    });
    noPlaintext(sink.data.join('\n'));
  });
});
