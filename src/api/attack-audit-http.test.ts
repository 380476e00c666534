// Red-team of signed audit checkpoints: an exported range cut short and dressed up as complete must not verify.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let keyFile: string;
let lines: string[];

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'], runControllers: false, auditCheckpoints: { records: 3 } });
  for (let i = 0; i < 8; i++)
    await env.req(env.adminToken, 'POST', `${BASE}/namespaces`, {
      apiVersion: 'continuum.eu/v1alpha1',
      kind: 'Namespace',
      metadata: { name: `ns-${i}` },
    });
  const exported = join(env.dir, 'all.jsonl');
  const r = await runCli('audit', 'export', '-o', exported, '--server', env.cp.url, '--token', env.adminToken);
  expect(r.code, r.err).toBe(0);
  lines = readFileSync(exported, 'utf8').split('\n').filter(Boolean);
  const keys = await env.req(undefined, 'GET', '/auth/v1/audit/keys');
  keyFile = join(env.dir, 'audit-public.pem');
  writeFileSync(keyFile, keys.body.keys[0].pem);
}, 60_000);
afterAll(() => env?.stop());

const isCheckpoint = (l: string): boolean => l.startsWith('{"checkpoint"');
const verify = (ls: string[]) => {
  const file = join(env.dir, `range-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, ls.map((l) => `${l}\n`).join(''));
  return runCli('audit', 'verify', '--file', file, '--public-key', keyFile);
};
/** The export cut right after its last periodic checkpoint. */
const cutAtPeriodic = (ls: string[]) =>
  ls.slice(0, ls.findLastIndex((l, i) => i < ls.length - 1 && isCheckpoint(l)) + 1);

describe('attack: forged or skipped audit checkpoints', () => {
  it('a periodic checkpoint relabelled final (after cutting the end) fails', async () => {
    const cut = cutAtPeriodic(lines);
    expect(cut.length).toBeLessThan(lines.length - 1);
    const last = JSON.parse(cut.at(-1)!);
    for (const final of [true, 1, 'yes']) {
      const forged = JSON.stringify({ ...last, checkpoint: { ...last.checkpoint, final } });
      const r = await verify([...cut.slice(0, -1), forged]);
      expect(r.code, `final=${JSON.stringify(final)}: ${r.out}`).toBe(1);
    }
  });

  it("the export's own final checkpoint moved after a shorter range fails", async () => {
    const cut = cutAtPeriodic(lines);
    const r = await verify([...cut, lines.at(-1)!]);
    expect(r.code, r.out).toBe(1);
  });

  it('malformed checkpoint lines make verify fail cleanly (exit 1), not crash', async () => {
    const body = lines.slice(0, -1);
    for (const bad of ['{"checkpoint":null,"sig":"x"}', '{"checkpoint":[],"sig":1}', '{"checkpoint":{"seq":"1"}}']) {
      const r = await verify([...body, bad]);
      expect(r.code, `${bad}: ${r.out} ${r.err}`).toBe(1);
      expect(r.err).not.toMatch(/TypeError|at .*\.js:\d+/);
    }
  });

  it('tenants cannot export, verify or read the audit log', async () => {
    const uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
    for (const path of ['/audit/v1/export', '/audit/v1/verify'])
      expect((await env.req(uca, 'GET', path)).status).toBe(403);
  });
});
