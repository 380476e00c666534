// The audit chain end to end: requests through HTTP are recorded before they are answered; verify and export via API and CLI; tampering is named.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run.js';
import { application } from '../model/testing/index.js';
import { securityPaths } from '../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let uca: { token: string; id: string };
let auditor: string;
let logPath: string;

const app = (name: string) =>
  application('acme', name, { components: [{ name: 'web', artifact: { command: 'node' } }] });
const records = () =>
  readFileSync(logPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);
// Tests tag requests with X-Request-Id: the server keeps it as clientRequestId beside its own request id.
const byRequest = (id: string) => records().filter((r) => r.clientRequestId === id);

const cli = runCli;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'] });
  logPath = securityPaths(env.dataDir).auditLog;
  uca = await env.issue({ role: 'use-case-admin', tenant: 'acme' });
  auditor = (await env.issue({ role: 'auditor' })).token;
}, 30_000);
afterAll(() => env?.stop());

describe('audit log over HTTP', () => {
  it('records every mutation durably before answering, with who, what, object, outcome, request id and time', async () => {
    const created = await env.req(uca.token, 'POST', `${BASE}/namespaces/acme/applications`, app('shop'), {
      'x-request-id': 'req-create-shop',
    });
    expect(created.status).toBe(201);
    // Read right after the answer: the record is already on disk.
    const [rec] = byRequest('req-create-shop');
    expect(rec).toMatchObject({
      actor: {
        subject: expect.stringMatching(/^use-case-admin@acme~/),
        tokenId: uca.id,
        roles: ['use-case-admin@acme'],
      },
      action: 'create',
      resource: { kind: 'Application', namespace: 'acme', name: 'shop' },
      outcome: 'allowed',
      status: 201,
    });
    expect(Date.parse(rec.time)).toBeGreaterThan(Date.now() - 60_000);
    await env.req(
      uca.token,
      'PATCH',
      `${BASE}/namespaces/acme/applications/shop`,
      { metadata: { labels: { a: 'b' } } },
      { 'content-type': 'application/merge-patch+json', 'x-request-id': 'req-patch-shop' },
    );
    await env.req(uca.token, 'DELETE', `${BASE}/namespaces/acme/applications/shop`, undefined, {
      'x-request-id': 'req-delete-shop',
    });
    expect(byRequest('req-patch-shop')[0]).toMatchObject({ action: 'patch', outcome: 'allowed', status: 200 });
    expect(byRequest('req-delete-shop')[0]).toMatchObject({ action: 'delete', outcome: 'allowed' });
    // Reads are not audited.
    await env.req(uca.token, 'GET', `${BASE}/namespaces/acme/applications`, undefined, { 'x-request-id': 'req-list' });
    expect(byRequest('req-list')).toEqual([]);
  });

  it('records authentication and authorization failures with their code', async () => {
    await env.req('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'GET', `${BASE}/sites`, undefined, {
      'x-request-id': 'req-401',
    });
    expect(byRequest('req-401')[0]).toMatchObject({
      actor: { subject: 'anonymous' },
      outcome: 'denied',
      status: 401,
      code: 'TokenInvalid',
      path: `${BASE}/sites`,
    });
    expect(byRequest('req-401')[0].actor.ip).toBe('127.0.0.1');
    await env.req(
      uca.token,
      'POST',
      `${BASE}/namespaces/default/applications`,
      { ...app('x'), metadata: { name: 'x', namespace: 'default' } },
      { 'x-request-id': 'req-403' },
    );
    expect(byRequest('req-403')[0]).toMatchObject({
      actor: { tokenId: uca.id },
      action: 'create',
      outcome: 'denied',
      status: 403,
      code: 'Forbidden',
    });
    await env.req(uca.token, 'GET', '/audit/v1/verify', undefined, { 'x-request-id': 'req-403-audit' });
    expect(byRequest('req-403-audit')[0]).toMatchObject({ outcome: 'denied', status: 403 });
    expect(readFileSync(logPath, 'utf8')).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('verifies and exports through the API and the CLI', async () => {
    const v = await env.req(auditor, 'GET', '/audit/v1/verify');
    expect(v.body).toMatchObject({ kind: 'AuditVerification', ok: true });
    expect(v.body.records).toBeGreaterThan(5);
    const server = ['--server', env.cp.url, '--token', auditor];
    const verified = await cli('audit', 'verify', ...server);
    expect([verified.code, verified.out]).toEqual([0, expect.stringMatching(/^audit log OK: \d+ record/)]);
    const file = join(env.dir, 'export.jsonl');
    const exported = await cli('audit', 'export', '--since', '1h', '-o', file, ...server);
    expect(exported.code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(v.body.records);
    // Records, then (at least) the export's final signed checkpoint.
    expect(lines.every((l) => typeof JSON.parse(l).hash === 'string' || JSON.parse(l).checkpoint)).toBe(true);
    expect(JSON.parse(lines.at(-1)!).checkpoint.final).toBe(true);
    const denied = await cli('audit', 'export', '--server', env.cp.url, '--token', uca.token);
    expect([denied.code, denied.err]).toEqual([1, expect.stringContaining('Error from server (Forbidden)')]);
  });

  describe('tampering (CLI on the data dir, server stopped)', () => {
    let pristine: string;
    beforeAll(async () => {
      await env.cp.stop();
      pristine = join(env.dir, 'pristine.jsonl');
      copyFileSync(logPath, pristine);
    });
    const lines = () => readFileSync(pristine, 'utf8').split('\n').filter(Boolean);
    const write = (ls: string[]) => writeFileSync(logPath, ls.map((l) => `${l}\n`).join(''));

    it('an untouched log verifies', async () => {
      write(lines());
      const r = await cli('audit', 'verify', '--data-dir', env.dataDir);
      expect([r.code, r.out]).toEqual([0, expect.stringContaining('audit log OK')]);
    });

    it.each([
      ['editing', (ls: string[], k: number) => ls.map((l, i) => (i === k ? l.replace('"status":', '"status":1') : l))],
      ['deleting', (ls: string[], k: number) => ls.filter((_, i) => i !== k)],
      ['inserting', (ls: string[], k: number) => [...ls.slice(0, k), ls[k - 1], ...ls.slice(k)]],
      ['reordering', (ls: string[], k: number) => [...ls.slice(0, k), ls[k + 1], ls[k], ...ls.slice(k + 2)]],
    ])('%s a record makes verify fail at that record', async (_what, tamper) => {
      const all = lines();
      for (const k of [1, Math.floor(all.length / 2), all.length - 2]) {
        write(tamper(all, k));
        const r = await cli('audit', 'verify', '--data-dir', env.dataDir);
        expect(r.code, r.out).toBe(1);
        expect(r.out).toMatch(new RegExp(`^audit log FAILED at record ${k}: record ${k}:`));
      }
    });
  });
});
