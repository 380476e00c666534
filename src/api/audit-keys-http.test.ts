// Offline audit verification: published audit keys (GET /auth/v1/audit/keys) and signed checkpoints verify any
// exported range, no data dir needed; edits, removed records and a cut-off end are each detected.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let keyFile: string;
let lines: string[];

beforeAll(async () => {
  // A periodic checkpoint every 3 records, so exports carry some beside their final one.
  env = await startSecureEnv({ namespaces: ['acme'], runControllers: false, auditCheckpoints: { records: 3 } });
  for (let i = 0; i < 6; i++)
    await env.req(env.adminToken, 'POST', `${BASE}/namespaces`, {
      apiVersion: 'continuum.eu/v1alpha1',
      kind: 'Namespace',
      metadata: { name: `ns-${i}` },
    });
  const exported = join(env.dir, 'all.jsonl');
  const r = await runCli('audit', 'export', '-o', exported, '--server', env.cp.url, '--token', env.adminToken);
  expect(r.code, r.err).toBe(0);
  lines = readFileSync(exported, 'utf8').split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(6);
  // Anonymous: the keys are public.
  const keys = await env.req(undefined, 'GET', '/auth/v1/audit/keys');
  expect(keys.status).toBe(200);
  expect(keys.body.kind).toBe('AuditKeys');
  keyFile = join(env.dir, 'audit-public.pem');
  writeFileSync(keyFile, keys.body.keys[0].pem);
}, 60_000);
afterAll(() => env?.stop());

const isCheckpoint = (l: string): boolean => l.startsWith('{"checkpoint"');
const records = (ls: string[]): number => ls.filter((l) => !isCheckpoint(l)).length;
const recordsOf = (ls: string[]): string[] => ls.filter((l) => !isCheckpoint(l));
/** Index just after the last record line at or before `i` (a cut that ends with a record). */
const lastRecordBefore = (ls: string[], i: number): number => {
  let j = i;
  while (j > 0 && isCheckpoint(ls[j])) j--;
  return j;
};

const verify = (records: string[], key = keyFile) => {
  const file = join(env.dir, `range-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, records.map((l) => `${l}\n`).join(''));
  return runCli('audit', 'verify', '--file', file, '--public-key', key);
};

describe('offline verification of exported audit ranges', () => {
  it('exports carry periodic checkpoints and end with a final signed checkpoint; untouched, they verify', async () => {
    const cps = lines.filter(isCheckpoint).map((l) => JSON.parse(l).checkpoint);
    expect(cps.length).toBeGreaterThanOrEqual(3);
    expect(cps.at(-1).final).toBe(true);
    expect(isCheckpoint(lines.at(-1)!)).toBe(true);
    const r = await verify(lines);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`audit log OK: ${records(lines)} record(s)`)]);
  });

  it('verifies a range that does not start at record 0, with the published key only', async () => {
    const r = await verify(lines.slice(2));
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`audit log OK: ${records(lines.slice(2))} record(s)`)]);
  });

  it('verifies an export of a time window (--since) made by the server', async () => {
    const recs = lines.filter((l) => !isCheckpoint(l)).map((l) => JSON.parse(l));
    const since = recs[3].time as string;
    const file = join(env.dir, 'window.jsonl');
    const e = await runCli(
      'audit',
      'export',
      '--since',
      since,
      '-o',
      file,
      '--server',
      env.cp.url,
      '--token',
      env.adminToken,
    );
    expect(e.code, e.err).toBe(0);
    const window = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(window[0]).seq).toBeGreaterThanOrEqual(recs[3].seq);
    const r = await verify(window);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining('audit log OK')]);
  });

  it.each([
    [
      'the final checkpoint removed',
      (ls: string[]) => ls.slice(0, -1),
      /final checkpoint is missing|without its final/,
    ],
    [
      'records cut off the end (with the final checkpoint)',
      (ls: string[]) => ls.slice(0, lastRecordBefore(ls, ls.length - 2)),
      /follow the last signed checkpoint|without its final|no signed checkpoint/,
    ],
    [
      'the end cut back to a periodic checkpoint',
      (ls: string[]) => ls.slice(0, ls.findLastIndex((l, i) => i < ls.length - 1 && isCheckpoint(l)) + 1),
      /at a periodic checkpoint .* without its final checkpoint: records after it were cut off/,
    ],
    [
      'a forged final checkpoint',
      (ls: string[]) => [...ls.slice(0, -1), ls.at(-1)!.replace(/"seq":(\d+)/, (_m, n) => `"seq":${Number(n) + 1}`)],
      /checkpoint after record \d+: signature invalid/,
    ],
    [
      'a record removed right before a checkpoint',
      (ls: string[]) => ls.filter((_, i) => i !== ls.findIndex(isCheckpoint) - 1),
      /records were removed|has seq/,
    ],
  ])('detects %s', async (_name, tamper, reason) => {
    const r = await verify(tamper(lines));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(reason);
  });

  it.each([
    [
      'an edited record',
      (ls: string[]) =>
        ls.map((l) => (l === recordsOf(ls)[2] ? l.replace('"outcome":"allowed"', '"outcome":"denied"') : l)),
      /record \d+: content was altered/,
    ],
    [
      'a removed record (middle)',
      (ls: string[]) => recordsOf(ls).filter((_, i) => i !== 2),
      /has seq \d+ \(a record was deleted/,
    ],
    ['reordered records', (ls: string[]) => ((r) => [r[0], r[2], r[1], ...r.slice(3)])(recordsOf(ls)), /has seq/],
  ])('names %s', async (_name, tamper, reason) => {
    const range = lines.slice(1);
    const r = await verify(tamper(range));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(reason);
  });

  it('refuses a range checked with another key', async () => {
    const other = join(env.dir, 'other.pem');
    writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const r = await verify(lines.slice(1), other);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/signature invalid/);
  });
});
