// Secrets end to end: created over HTTP, never in plaintext in the database (+WAL), logs, audit or events; rotation keeps them readable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../controlplane/index.js';
import { API_VERSION } from '../model/index.js';
import { SecretKind, securityPaths } from '../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

const PLAIN = 'correct-horse-battery-staple-4f2a';
const B64 = Buffer.from(PLAIN).toString('base64');
let env: SecureEnv;
let logText = '';
const tok: Record<string, string> = {};

const secret = (name: string, value = PLAIN) => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name, namespace: 'acme' },
  spec: { type: 'opaque', stringData: { password: value } },
});
const url = (name = '') => `${BASE}/namespaces/acme/secrets${name ? `/${name}` : ''}`;
const lines: string[] = [];
const log = {
  info: (m: string) => void lines.push(m),
  warn: (m: string) => void lines.push(m),
  error: (m: string) => void lines.push(m),
};

/** Every byte of the SQLite database, its WAL and shared memory, the audit log and the captured logs. */
function everythingAtRest(): string {
  const db = readdirSync(env.dataDir)
    .filter((f) => f.startsWith('continuum.db'))
    .map((f) => readFileSync(join(env.dataDir, f)).toString('latin1'));
  expect(db.length).toBeGreaterThanOrEqual(2);
  const audit = readFileSync(securityPaths(env.dataDir).auditLog, 'latin1');
  return [...db, audit, logText, lines.join('\n')].join('\n');
}

beforeAll(async () => {
  env = await startSecureEnv({
    namespaces: ['acme'],
    logRequests: true,
    logStream: { write: (l: string) => void (logText += l) },
    log,
  });
  tok.uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  tok.auditor = (await env.issue({ role: 'auditor' })).token;
  tok.cea = (await env.issue({ role: 'cloud-edge-admin' })).token;
  tok.endUser = (await env.issue({ role: 'end-user', tenant: 'acme' })).token;
}, 30_000);
afterAll(() => env?.stop());

describe('Secrets over HTTP', () => {
  it('are created and read back by their tenant admin, and stored only as ciphertext', async () => {
    const c = await env.req(tok.uca, 'POST', url(), secret('db'));
    expect(c.status, c.text).toBe(201);
    expect(c.body.spec).toMatchObject({ keys: ['password'], data: { password: B64 } });
    expect(c.body.spec.stringData).toBeUndefined();
    const dry = await env.req(tok.uca, 'POST', `${url()}?dryRun=true`, secret('dry'));
    expect(dry.body.spec.stringData).toBeUndefined();
    const upd = await env.req(
      tok.uca,
      'PATCH',
      url('db'),
      { spec: { stringData: { user: 'app' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(upd.body.spec.keys).toEqual(['password', 'user']);
    // An invalid Secret is refused without echoing its value.
    const bad = await env.req(tok.uca, 'POST', url(), {
      ...secret('bad'),
      spec: { stringData: { 'not a key!': PLAIN } },
    });
    expect(bad.status).toBe(422);
    expect(bad.text).not.toContain(PLAIN);
    const got = await env.req(tok.uca, 'GET', url('db'));
    expect(Buffer.from(got.body.spec.data.password, 'base64').toString()).toBe(PLAIN);
    expect(got.body.spec.encrypted).toBeUndefined();
    const raw = (await env.cp.store.backend.get({ resource: 'secrets.continuum.eu', namespace: 'acme', name: 'db' }))!
      .object as { spec: Record<string, unknown> };
    expect(Object.keys(raw.spec).sort()).toEqual(['encrypted', 'keys', 'type']);
  });

  it('are listed and watched without values by roles that may not read them', async () => {
    const watches = [tok.auditor, tok.cea].map((who) =>
      env.req(who, 'GET', `${BASE}/secrets?watch=true&timeoutSeconds=1`),
    );
    for (const [i, who] of [tok.auditor, tok.cea].entries()) {
      const l = await env.req(who, 'GET', `${BASE}/secrets`);
      expect(l.status).toBe(200);
      expect(l.body.items.map((s: { spec: unknown }) => s.spec)).toEqual([
        { type: 'opaque', keys: ['password', 'user'] },
      ]);
      const g = await env.req(who, 'GET', url('db'));
      expect(g.body.spec.data).toBeUndefined();
      const w = await watches[i];
      expect(w.text).toContain('"keys":["password","user"]');
      expect(w.text).not.toContain(B64);
    }
    expect((await env.req(tok.endUser, 'GET', url())).status).toBe(403);
  });

  it('never appear in plaintext in the database file, WAL, audit log, events or server logs', async () => {
    await env.req(tok.uca, 'PUT', url('db'), { ...secret('db'), spec: { stringData: { password: PLAIN } } });
    const events = await env.req(env.adminToken, 'GET', `${BASE}/events`);
    expect(events.text).not.toContain(PLAIN);
    expect(logText.length).toBeGreaterThan(0);
    const all = everythingAtRest();
    expect(all).toContain('"encrypted"');
    expect(all).not.toContain(PLAIN);
    expect(all).not.toContain(B64);
  });

  it('rotation re-encrypts every Secret and keeps them readable, also after a restart', async () => {
    for (const n of ['s1', 's2']) expect((await env.req(tok.uca, 'POST', url(), secret(n))).status).toBe(201);
    const before = (await env.req(tok.uca, 'GET', url('s1'))).body.status.keyId as string;
    expect((await env.req(tok.uca, 'POST', '/secrets/v1/rotate-key')).status).toBe(403);
    const r = await env.req(env.adminToken, 'POST', '/secrets/v1/rotate-key');
    expect(r.status, r.text).toBe(200);
    expect(r.body.reencrypted).toBe(3);
    expect(r.body.keyId).not.toBe(before);
    for (const n of ['db', 's1', 's2']) {
      const s = (await env.req(tok.uca, 'GET', url(n))).body;
      expect(Buffer.from(s.spec.data.password, 'base64').toString()).toBe(PLAIN);
      expect(s.status.keyId).toBe(r.body.keyId);
    }
    expect(everythingAtRest()).not.toContain(PLAIN);
    await env.cp.stop();
    const again = await startControlPlane({ dataDir: env.dataDir, port: 0 });
    try {
      const s = (await again.store.get(SecretKind, 'acme', 's2'))!;
      expect(Buffer.from((s.spec as { data: Record<string, string> }).data.password, 'base64').toString()).toBe(PLAIN);
    } finally {
      await again.stop();
    }
    expect(existsSync(securityPaths(env.dataDir).secretKeys)).toBe(true);
  });
});
