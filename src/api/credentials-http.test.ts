// Credential findings through HTTP: agent tokens only via bootstrap, one subject per issued token, site-named agent subjects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { runCli } from '../cli/testing/run.js';
import { waitFor } from '../lib/testing/wait.js';
import { API_VERSION } from '../model/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let infra: string;
let uca: string;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'], sites: ['site-a'], runControllers: false });
  infra = (await env.issue({ role: 'infrastructure-admin' })).token;
  uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
}, 30_000);
afterAll(() => env?.stop());

describe('credentials over HTTP', () => {
  it.each([
    ['a 366-day agent token without bootstrap', { role: 'agent', site: 'site-a', ttlSeconds: 366 * 24 * 3600 }],
    ['a short agent token without bootstrap', { role: 'agent', site: 'site-a', ttlSeconds: 600 }],
    ['an agent token with bootstrap: false', { role: 'agent', site: 'site-a', bootstrap: false, ttlSeconds: 600 }],
  ])('refuses %s, even to the infrastructure admin', async (_name, body) => {
    for (const by of [infra, env.adminToken]) {
      const r = await env.req(by, 'POST', '/auth/v1/tokens', body);
      expect(r.status).toBe(403);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
      expect(r.body.detail).toMatch(/bootstrap exchange/);
    }
  });

  it('lets the infrastructure admin mint a single-use bootstrap token whose credential names its site', async () => {
    const boot = await env.req(infra, 'POST', '/auth/v1/tokens', {
      role: 'agent',
      site: 'site-a',
      bootstrap: true,
      ttlSeconds: 600,
    });
    expect(boot.status).toBe(201);
    const first = await env.req(boot.body.token, 'POST', '/agent/v1/bootstrap');
    expect(first.status).toBe(201);
    expect((await env.req(boot.body.token, 'POST', '/agent/v1/bootstrap')).status).toBe(401);
    const who = await env.req(first.body.token, 'GET', '/auth/v1/whoami');
    expect(who.body).toMatchObject({ kind: 'WhoAmI', subject: 'agent:site-a', site: 'site-a' });
  });

  it('gives every issued token its own subject: a RoleBinding to one upgrades only that one', async () => {
    const issue = async () => {
      const r = await env.req(uca, 'POST', '/auth/v1/tokens', { role: 'end-user', tenant: 'acme', ttlSeconds: 600 });
      expect(r.status).toBe(201);
      return { token: r.body.token as string, subject: r.body.record.spec.subject as string };
    };
    const alice = await issue();
    const bob = await issue();
    expect(alice.subject).toMatch(/^end-user@acme~[0-9a-f]{12}$/);
    expect(bob.subject).not.toBe(alice.subject);
    const whoAlice = await env.req(alice.token, 'GET', '/auth/v1/whoami');
    expect(whoAlice.body.subject).toBe(alice.subject);
    const binding = {
      apiVersion: API_VERSION,
      kind: 'RoleBinding',
      metadata: { name: 'alice-admin', namespace: 'acme' },
      spec: { role: 'use-case-admin', subjects: [{ kind: 'User', name: alice.subject }] },
    };
    expect((await env.req(uca, 'POST', `${BASE}/namespaces/acme/rolebindings`, binding)).status).toBe(201);
    const canList = async (t: string) => (await env.req(t, 'GET', `${BASE}/namespaces/acme/rolebindings`)).status;
    // Bindings reach tokens through a watch: wait for alice's upgrade, then bob must still be refused.
    await waitFor(async () => (await canList(alice.token)) === 200, 'the binding to upgrade alice');
    expect(await canList(bob.token)).toBe(403);
  });

  it('rotates the token-signing key (admin only, CLI and API): earlier tokens keep verifying, new ones use the new key', async () => {
    const before = (await env.issue({ role: 'auditor' })).token;
    const oldKid = decodeProtectedHeader(before).kid;
    const refused = await env.req(infra, 'POST', '/auth/v1/signing-keys/rotate');
    expect([refused.status, refused.body.code]).toEqual([403, 'Forbidden']);
    const cli = await runCli('token', 'rotate-signing-key', '--server', env.cp.url, '--token', env.adminToken);
    expect(cli.code, cli.err).toBe(0);
    const newKid = /signed with key (\S+);/.exec(cli.out)?.[1];
    expect(newKid).toBeTruthy();
    expect(newKid).not.toBe(oldKid);
    expect((await env.req(before, 'GET', '/auth/v1/whoami')).status).toBe(200);
    const after = (await env.issue({ role: 'auditor' })).token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await env.req(after, 'GET', '/auth/v1/whoami')).status).toBe(200);
    const api = await env.req(env.adminToken, 'POST', '/auth/v1/signing-keys/rotate');
    expect(api.body).toMatchObject({ kind: 'SigningKeyRotation', retired: [] });
    expect(api.body.keys).toEqual(expect.arrayContaining([oldKid, newKid, api.body.keyId]));
  });
});
