// Offline audit verification: published audit keys (GET /auth/v1/audit/keys) verify any exported range, no data dir needed.
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
  env = await startSecureEnv({ namespaces: ['acme'], runControllers: false });
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

const verify = (records: string[], key = keyFile) => {
  const file = join(env.dir, `range-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, records.map((l) => `${l}\n`).join(''));
  return runCli('audit', 'verify', '--file', file, '--public-key', key);
};

describe('offline verification of exported audit ranges', () => {
  it('verifies a range that does not start at record 0, with the published key only', async () => {
    const r = await verify(lines.slice(2));
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`audit log OK: ${lines.length - 2} record(s)`)]);
    expect(r.err).toMatch(/cut off after the range cannot be detected/);
  });

  it.each([
    [
      'an edited record',
      (ls: string[]) => ls.map((l, i) => (i === 2 ? l.replace('"outcome":"allowed"', '"outcome":"denied"') : l)),
      /record \d+: content was altered/,
    ],
    ['a removed record', (ls: string[]) => ls.filter((_, i) => i !== 2), /has seq \d+ \(a record was deleted/],
    ['reordered records', (ls: string[]) => [ls[0], ls[2], ls[1], ...ls.slice(3)], /has seq/],
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
