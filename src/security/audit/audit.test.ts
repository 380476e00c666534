// Tests for the audit chain: every kind of tampering at every position is caught at that record; durability and fail-closed behaviour.
import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { securityPaths } from '../keyfile.js';
import { loadOrCreateAuditKey, readAuditPublicKey } from './keys.js';
import { AuditLog, auditActor } from './log.js';
import { hashRecord, type AuditEntry, type AuditRecord } from './record.js';
import { FileAuditSink, MemoryAuditSink } from './sink.js';
import { exportAuditLog, verifyAuditLog } from './verify.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
let dir: string;
let paths: ReturnType<typeof securityPaths>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctm-audit-'));
  paths = securityPaths(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (i: number): AuditEntry => ({
  requestId: `req-${i}`,
  actor: { subject: i % 2 ? 'alice' : 'bob', kind: 'user', roles: ['use-case-admin@acme'] },
  action: i % 3 ? 'create' : 'authenticate',
  resource: { kind: 'Deployment', namespace: 'acme', name: `d${i}` },
  outcome: i % 3 ? 'allowed' : 'denied',
  status: i % 3 ? 201 : 401,
});

async function writeLog(n: number): Promise<void> {
  let t = T0;
  const log = await AuditLog.open(
    await FileAuditSink.open(paths.auditLog, paths.auditHead),
    loadOrCreateAuditKey(paths.auditKey),
    { now: () => new Date((t += 1000)) },
  );
  for (let i = 0; i < n; i++) await log.append(entry(i));
  await log.close();
}
const readLines = () => readFileSync(paths.auditLog, 'utf8').trimEnd().split('\n');
const writeLines = (lines: string[]) => writeFileSync(paths.auditLog, `${lines.join('\n')}\n`);
const verify = () => verifyAuditLog(paths.auditLog, readAuditPublicKey(paths.auditKey), paths.auditHead);

const N = 6;
type Tamper = (lines: string[], k: number) => string[];
const edit =
  (f: (r: AuditRecord) => AuditRecord): Tamper =>
  (ls, k) =>
    ls.map((l, i) => (i === k ? JSON.stringify(f(JSON.parse(l) as AuditRecord)) : l));
const forgedKey = generateKeyPairSync('ed25519').privateKey;

const tampers: Array<[string, Tamper, (k: number) => boolean]> = [
  ['edit a field', edit((r) => ({ ...r, outcome: r.outcome === 'allowed' ? 'denied' : 'allowed' })), () => true],
  [
    'edit and recompute the hash',
    edit((r) => {
      const x = { ...r, actor: { ...r.actor, subject: 'mallory' } };
      return { ...x, hash: hashRecord(x) };
    }),
    () => true,
  ],
  [
    're-sign with another key',
    edit((r) => {
      const x = { ...r, status: 200 };
      const hash = hashRecord(x);
      return { ...x, hash, sig: signWith(hash) };
    }),
    () => true,
  ],
  ['delete', (ls, k) => ls.filter((_, i) => i !== k), () => true],
  ['insert a forged record before', (ls, k) => [...ls.slice(0, k), forge(ls, k), ...ls.slice(k)], () => true],
  [
    'insert a copy of another record before',
    (ls, k) => [...ls.slice(0, k), ls[(k + 2) % ls.length], ...ls.slice(k)],
    () => true,
  ],
  [
    'swap with the next record',
    (ls, k) => ls.map((l, i) => (i === k ? ls[k + 1] : i === k + 1 ? ls[k] : l)),
    (k) => k < N - 1,
  ],
  ['blank it', (ls, k) => ls.map((l, i) => (i === k ? '' : l)), () => true],
  ['truncate its JSON', (ls, k) => ls.map((l, i) => (i === k ? l.slice(0, 20) : l)), () => true],
];

function signWith(hash: string): string {
  return sign(null, Buffer.from(hash, 'hex'), forgedKey).toString('base64url');
}

/** A record that fits the chain at position k in every respect except that it is signed with the wrong key. */
function forge(ls: string[], k: number): string {
  const prev = k === 0 ? '0'.repeat(64) : (JSON.parse(ls[k - 1]) as AuditRecord).hash;
  const body = { ...(JSON.parse(ls[k]) as AuditRecord), seq: k, prev, reason: 'inserted' };
  const hash = hashRecord(body);
  return JSON.stringify({ ...body, hash, sig: signWith(hash) });
}

describe('audit chain verification', () => {
  it('verifies an untouched log and keeps its files private', async () => {
    await writeLog(N);
    await expect(verify()).resolves.toEqual({ ok: true, records: N, warnings: [] });
    expect(statSync(paths.auditLog).mode & 0o777).toBe(0o600);
    expect(statSync(paths.auditKey).mode & 0o777).toBe(0o600);
    const first = JSON.parse(readLines()[0]) as AuditRecord;
    expect(first).toMatchObject({ seq: 0, prev: '0'.repeat(64), requestId: 'req-0', time: '2026-03-01T12:00:01.000Z' });
  });

  for (const [name, tamper, applies] of tampers) {
    it(`fails at the record when you ${name} (every position)`, async () => {
      await writeLog(N);
      const pristine = readLines();
      for (let k = 0; k < N; k++) {
        if (!applies(k)) continue;
        writeLines(tamper([...pristine], k));
        const r = await verify();
        expect(r.ok, `${name} @${k}`).toBe(false);
        if (!r.ok) {
          expect(r.index, `${name} @${k}: ${r.reason}`).toBe(k);
          expect(r.reason).toMatch(new RegExp(`^record ${k}:`));
        }
      }
    });
  }

  it('detects records cut off the end through the signed head, and warns when the head is gone', async () => {
    await writeLog(N);
    writeLines(readLines().slice(0, N - 2));
    expect(await verify()).toMatchObject({ ok: false, index: N - 2, reason: expect.stringMatching(/missing/) });
    rmSync(paths.auditHead);
    expect(await verify()).toMatchObject({ ok: true, records: N - 2, warnings: [expect.stringMatching(/no head/)] });
  });

  it('fails at record 0 with the wrong public key', async () => {
    await writeLog(2);
    const r = await verifyAuditLog(paths.auditLog, generateKeyPairSync('ed25519').publicKey);
    expect(r).toMatchObject({ ok: false, index: 0 });
  });
});

describe('AuditLog', () => {
  it('batches concurrent appends into few durable writes, in call order', async () => {
    const sink = new MemoryAuditSink();
    let writes = 0;
    const orig = sink.append.bind(sink);
    sink.append = async (lines) => {
      writes++;
      await new Promise((r) => setTimeout(r, 2)); // a slow durable write, so concurrent appends pile up
      return orig(lines);
    };
    const key = generateKeyPairSync('ed25519');
    const log = await AuditLog.open(sink, key, { now: () => new Date(T0) });
    const recs = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(entry(i))));
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(writes).toBeLessThan(10);
    expect(await verifyAuditLog(sink, key.publicKey)).toMatchObject({ ok: true, records: 100 });
  });

  it('fails closed once a write fails', async () => {
    const sink = new MemoryAuditSink();
    sink.append = () => Promise.reject(new Error('disk full'));
    const log = await AuditLog.open(sink, generateKeyPairSync('ed25519'));
    await expect(log.append(entry(0))).rejects.toThrow(/disk full/);
    await expect(log.append(entry(1))).rejects.toThrow(/unavailable/);
  });

  it('resumes the chain after a restart and repairs a torn, unacknowledged last line', async () => {
    await writeLog(3);
    appendFileSync(paths.auditLog, '{"seq":3,"prev":"ab');
    await writeLog(2);
    expect(await verify()).toMatchObject({ ok: true, records: 5 });
  });

  it('refuses to continue a log whose newest records were removed while it was closed', async () => {
    await writeLog(4);
    writeLines(readLines().slice(0, 3));
    await expect(writeLog(1)).rejects.toThrow(/records were removed/);
    writeLines(readLines().map((l, i) => (i === 2 ? l.replace('"status":201', '"status":200') : l)));
    await expect(writeLog(1)).rejects.toThrow(/fails its hash or signature/);
  });

  it('keeps only known fields and redacts tokens and credentials from free text', async () => {
    const sink = new MemoryAuditSink();
    const log = await AuditLog.open(sink, generateKeyPairSync('ed25519'));
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    await log.append({
      ...entry(0),
      reason: `bad token ${jwt}; password=hunter2; Authorization: Bearer abc.def`,
      body: { spec: { stringData: { pw: 'hunter2' } } },
    } as AuditEntry);
    const line = sink.data[0];
    expect(line).not.toMatch(/hunter2|eyJhbGci|abc\.def|stringData/);
    expect(line).toContain('[REDACTED]');
  });

  it('describes actors, including unauthenticated ones', () => {
    expect(auditActor(undefined, { claimedSubject: 'eve', ip: '10.0.0.1' })).toEqual({
      subject: 'unauthenticated:eve',
      ip: '10.0.0.1',
    });
    expect(auditActor({ subject: 'a', kind: 'agent', grants: [{ role: 'agent' }], site: 's', tokenId: 't' })).toEqual({
      subject: 'a',
      kind: 'agent',
      roles: ['agent'],
      site: 's',
      tokenId: 't',
    });
  });
});

describe('audit export', () => {
  it('writes JSON lines, optionally within a time window', async () => {
    await writeLog(5);
    const out: string[] = [];
    expect(await exportAuditLog(paths.auditLog, (l) => void out.push(l))).toBe(5);
    expect(out.every((l) => l.endsWith('\n') && (JSON.parse(l) as AuditRecord).hash.length === 64)).toBe(true);
    const window = await exportAuditLog(paths.auditLog, () => {}, {
      since: new Date(T0 + 2000),
      until: new Date(T0 + 4000),
    });
    expect(window).toBe(2);
  });
});
