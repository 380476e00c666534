// No privilege escalation through HTTP: patch and apply of bindings and tokens are authorized on the merged result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
const tok: Record<string, string> = {};
const crb = (name: string, role: string) => ({
  apiVersion: API_VERSION,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  spec: { role, subjects: [{ kind: 'User', name: 'mallory' }] },
});
const MERGE = { 'content-type': 'application/merge-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+json' };

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'] });
  tok.cea = (await env.issue({ role: 'cloud-edge-admin' })).token;
  tok.uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  tok.endUser = (await env.issue({ role: 'end-user', tenant: 'acme' })).token;
  expect((await env.req(tok.cea, 'POST', `${BASE}/clusterrolebindings`, crb('ops', 'cloud-edge-admin'))).status).toBe(
    201,
  );
}, 30_000);
afterAll(() => env?.stop());

describe('privilege escalation over HTTP', () => {
  it.each([
    [
      'merge patch of a binding into admin',
      () => env.req(tok.cea, 'PATCH', `${BASE}/clusterrolebindings/ops`, { spec: { role: 'admin' } }, MERGE),
    ],
    [
      'apply of an existing binding as admin',
      () => env.req(tok.cea, 'PATCH', `${BASE}/clusterrolebindings/ops`, crb('ops', 'admin'), APPLY),
    ],
    [
      'apply creating an admin binding',
      () => env.req(tok.cea, 'PATCH', `${BASE}/clusterrolebindings/new`, crb('new', 'admin'), APPLY),
    ],
    [
      'update of a binding into admin',
      () => env.req(tok.cea, 'PUT', `${BASE}/clusterrolebindings/ops`, crb('ops', 'admin')),
    ],
    [
      'a cluster-wide token for a role it does not hold',
      () => env.req(tok.cea, 'POST', '/auth/v1/tokens', { role: 'auditor' }),
    ],
    [
      'a token with a chosen subject (bindings attach to subjects)',
      () => env.req(tok.cea, 'POST', '/auth/v1/tokens', { role: 'end-user', tenant: 'acme', subject: 'mallory' }),
    ],
    [
      'a tenant token above its own role',
      () => env.req(tok.endUser, 'POST', '/auth/v1/tokens', { role: 'use-case-admin', tenant: 'acme' }),
    ],
    [
      'a tenant admin token for another tenant',
      () => env.req(tok.uca, 'POST', '/auth/v1/tokens', { role: 'end-user', tenant: 'other' }),
    ],
    [
      'a token created as an object',
      () =>
        env.req(env.adminToken, 'POST', `${BASE}/tokens`, {
          apiVersion: API_VERSION,
          kind: 'Token',
          metadata: { name: 'x' },
          spec: {},
        }),
    ],
  ])('refuses %s with 403', async (_what, send) => {
    const r = await send();
    expect(r.status, r.text).toBe(403);
  });

  it('leaves the binding as it was, and allows patches whose result the caller could write', async () => {
    expect((await env.req(env.adminToken, 'GET', `${BASE}/clusterrolebindings/ops`)).body.spec.role).toBe(
      'cloud-edge-admin',
    );
    const ok = await env.req(
      tok.cea,
      'PATCH',
      `${BASE}/clusterrolebindings/ops`,
      { spec: { subjects: [{ kind: 'User', name: 'bob' }] } },
      MERGE,
    );
    expect(ok.status, ok.text).toBe(200);
    const rb = {
      apiVersion: API_VERSION,
      kind: 'RoleBinding',
      metadata: { name: 'devs', namespace: 'acme' },
      spec: { role: 'end-user', subjects: [{ kind: 'User', name: 'dev' }] },
    };
    expect((await env.req(tok.uca, 'PATCH', `${BASE}/namespaces/acme/rolebindings/devs`, rb, APPLY)).status).toBe(201);
    expect(
      (
        await env.req(
          tok.uca,
          'PATCH',
          `${BASE}/namespaces/acme/rolebindings/devs`,
          { spec: { role: 'use-case-admin' } },
          MERGE,
        )
      ).status,
    ).toBe(200);
  });
});
