// Integration test of ContinuumSecurity (the API's Security port) over the real Store and SQLite engine.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from './port.js';
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  DeploymentKind,
  NamespaceKind,
  SiteKind,
  WorkloadKind,
  type ErrorCode,
} from '../model/index.js';
import { waitFor } from '../lib/testing/index.js';
import { namespace, site } from '../model/testing/index.js';
import { SqliteBackend, Store } from '../store/index.js';
import { ClusterRoleBindingKind, RoleBindingKind, SecretKind, TokenKind } from './kinds.js';
import { ContinuumSecurity } from './service.js';

const ADMIN = 'cnt_test-admin-token';
const PLAIN = 'hunter2-but-much-longer-and-unique';
const T0 = new Date('2026-03-01T12:00:00Z');
let dir: string;
let store: Store;
let sec: ContinuumSecurity;
let admin: Caller;
let n = 0;
const rid = () => `req-${++n}`;

async function start(rateLimit?: { ratePerSecond: number; burst: number }) {
  store = new Store(new SqliteBackend({ path: join(dir, 'continuum.db') }), { watchPollMs: 20 });
  sec = await ContinuumSecurity.create({
    dataDir: dir,
    store,
    adminToken: ADMIN,
    now: () => T0,
    ...(rateLimit ? { rateLimit } : {}),
  });
  admin = await sec.authenticate({ authorization: `Bearer ${ADMIN}` });
}
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ctm-svc-'));
  await start();
  for (const ns of ['acme', 'other']) await store.create(NamespaceKind, namespace(ns));
});
afterEach(async () => {
  await sec.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = async (role: string, tenant?: string, subject?: string): Promise<Caller> => {
  const { token } = await sec.issueToken(
    admin,
    { role: role as never, ...(tenant ? { tenant } : {}), ...(subject ? { subject } : {}), ttlSeconds: 3600 },
    rid(),
  );
  return sec.authenticate({ authorization: `Bearer ${token}` });
};
async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<ErrorCode | 'ok'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
}
const secretInput = (namespace: string) => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name: 'db', namespace },
  spec: { stringData: { password: PLAIN } },
});

describe('ContinuumSecurity', () => {
  it('stores Secrets encrypted, shows values only to those who may read them', async () => {
    const uca = await login('use-case-admin', 'acme');
    const auditor = await login('auditor');
    await sec.authorize(uca, { verb: 'create', kind: SecretKind, namespace: 'acme', object: secretInput('acme') });
    expect(
      await codeOf(
        sec.authorize(uca, { verb: 'create', kind: SecretKind, namespace: 'other', object: secretInput('other') }),
      ),
    ).toBe('Forbidden');
    await store.create(SecretKind, secretInput('acme'));
    const raw = readdirSync(dir)
      .filter((f) => f.startsWith('continuum.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(raw).toContain('"encrypted"');
    expect(raw).not.toContain(PLAIN);
    expect(raw).not.toContain(Buffer.from(PLAIN).toString('base64'));
    const stored = (await store.get(SecretKind, 'acme', 'db'))!;
    expect(sec.redact(uca, stored).spec.data.password).toBe(Buffer.from(PLAIN).toString('base64'));
    expect(sec.redact(auditor, stored).spec).toEqual({ keys: ['password'] });
  });

  it('rotates the secret key through the store and keeps every Secret readable', async () => {
    for (const name of ['a', 'b', 'c'])
      await store.create(SecretKind, { ...secretInput('acme'), metadata: { name, namespace: 'acme' } });
    const oldKid = sec.secretKeys.primaryKid;
    expect(await sec.secretKeyUsage()).toEqual({ [oldKid]: 3 });
    const { kid, reencrypted } = await sec.rotateSecretKey(rid());
    expect(reencrypted).toBe(3);
    expect(await sec.secretKeyUsage()).toEqual({ [kid]: 3 });
    sec.secretKeys.retire(oldKid);
    const b = (await store.get(SecretKind, 'acme', 'b'))!;
    expect(Buffer.from(b.spec.data!.password, 'base64').toString()).toBe(PLAIN);
    expect(b.metadata.generation).toBe(1);
    const raw = readdirSync(dir)
      .filter((f) => f.startsWith('continuum.db'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(raw).not.toContain(PLAIN);
    expect(await codeOf(store.update(SecretKind, { ...b, spec: { encrypted: { alg: 'A256GCM' } } } as never))).toBe(
      'Invalid',
    );
  });

  it('narrows list visibility to the caller’s tenants and rejects revoked tokens at once', async () => {
    const { token, record } = await sec.issueToken(admin, { role: 'end-user', tenant: 'acme', ttlSeconds: 600 }, rid());
    const user = await sec.authenticate({ authorization: `Bearer ${token}` });
    const vis = await sec.visibility(user, DeploymentKind, 'list');
    expect(vis.namespaces).toEqual(['acme']);
    expect(await codeOf(sec.authorize(user, { verb: 'list', kind: DeploymentKind, namespace: 'other' }))).toBe(
      'Forbidden',
    );
    await sec.revokeToken(admin, record.metadata.name, rid(), 'left the company');
    expect(await codeOf(sec.authenticate({ authorization: `Bearer ${token}` }))).toBe('TokenRevoked');
    const rec = (await store.get(TokenKind, undefined, record.metadata.name))!;
    expect(await codeOf(store.update(TokenKind, { ...rec, spec: { ...rec.spec, revoked: false } }))).toBe('Invalid');
    expect(JSON.stringify(rec)).not.toContain(token.split('.')[2]);
  });

  it('onboards an agent once and confines it to its site', async () => {
    await store.create(SiteKind, site('site-a'));
    const infra = await login('infrastructure-admin');
    expect(
      await codeOf(sec.issueToken(infra, { role: 'agent', site: 'nowhere', bootstrap: true, ttlSeconds: 600 }, rid())),
    ).toBe('NotFound');
    const boot = await sec.issueToken(
      infra,
      { role: 'agent', site: 'site-a', bootstrap: true, ttlSeconds: 600 },
      rid(),
    );
    expect(await codeOf(sec.authenticate({ authorization: `Bearer ${boot.token}` }))).toBe('TokenInvalid');
    const ex = await sec.exchangeBootstrap(boot.token, rid());
    expect(await codeOf(sec.exchangeBootstrap(boot.token, rid()))).toBe('TokenRevoked');
    const agent = await sec.authenticate({ authorization: `Bearer ${ex.token}` });
    expect(agent).toMatchObject({ kind: 'agent', site: 'site-a' });
    const wl = (site: string) => ({ metadata: { name: 'w', namespace: 'other' }, spec: { siteName: site } });
    await sec.authorize(agent, {
      verb: 'update',
      kind: WorkloadKind,
      namespace: 'other',
      name: 'w',
      subresource: 'status',
      object: wl('site-a'),
    });
    expect(
      await codeOf(
        sec.authorize(agent, { verb: 'get', kind: WorkloadKind, namespace: 'other', name: 'w', object: wl('site-b') }),
      ),
    ).toBe('Forbidden');
    expect(
      await codeOf(
        sec.authorize(agent, {
          verb: 'update',
          kind: WorkloadKind,
          namespace: 'other',
          name: 'w',
          object: wl('site-a'),
        }),
      ),
    ).toBe('Forbidden');
    expect(await codeOf(sec.authorize(agent, { verb: 'list', kind: SecretKind, namespace: 'other' }))).toBe(
      'Forbidden',
    );
    expect((await sec.visibility(agent, WorkloadKind, 'watch')).filter!(wl('site-b'))).toBe(false);
  });

  it('applies RoleBindings from the store to matching subjects', async () => {
    const bob = await login('end-user', 'acme', 'bob');
    expect(
      await codeOf(sec.authorize(bob, { verb: 'create', kind: ApplicationKind, namespace: 'other', name: 'x' })),
    ).toBe('Forbidden');
    await store.create(RoleBindingKind, {
      apiVersion: API_VERSION,
      kind: 'RoleBinding',
      metadata: { name: 'bob', namespace: 'other' },
      spec: { role: 'use-case-admin', subjects: [{ kind: 'User', name: 'bob' }] },
    });
    await waitFor(() => sec.bindings.grantsFor('bob').length > 0, "bob's RoleBinding to reach the authorizer");
    const again = await sec.authenticate({
      authorization: `Bearer ${(await sec.issueToken(admin, { role: 'end-user', tenant: 'acme', subject: 'bob', ttlSeconds: 60 }, rid())).token}`,
    });
    expect(
      await codeOf(sec.authorize(again, { verb: 'create', kind: ApplicationKind, namespace: 'other', name: 'x' })),
    ).toBe('ok');
  });

  it('refuses token objects through the generic API and escalating binding patches', async () => {
    const cea = await login('cloud-edge-admin');
    expect(
      await codeOf(
        sec.authorize(admin, { verb: 'create', kind: TokenKind, name: 't', object: { spec: { role: 'admin' } } }),
      ),
    ).toBe('Forbidden');
    const crb = { metadata: { name: 'b' }, spec: { role: 'cloud-edge-admin', subjects: [] } };
    expect(
      await codeOf(sec.authorize(cea, { verb: 'patch', kind: ClusterRoleBindingKind, name: 'b', object: crb })),
    ).toBe('Forbidden');
    expect(
      await codeOf(sec.authorize(cea, { verb: 'update', kind: ClusterRoleBindingKind, name: 'b', object: crb })),
    ).toBe('ok');
    expect(
      await codeOf(
        sec.authorize(cea, {
          verb: 'update',
          kind: ClusterRoleBindingKind,
          name: 'b',
          object: { ...crb, spec: { ...crb.spec, role: 'admin' } },
        }),
      ),
    ).toBe('Forbidden');
    expect(await codeOf(sec.issueToken(cea, { role: 'auditor', ttlSeconds: 60 }, rid()))).toBe('Forbidden');
  });

  it('rate limits per subject with 429 (a second token of the same subject shares the bucket)', async () => {
    await sec.close();
    await store.close();
    await start({ ratePerSecond: 1, burst: 2 });
    const a = await login('auditor', undefined, 'auditor-a');
    const b = await login('auditor', undefined, 'auditor-b');
    const a2 = await login('auditor', undefined, 'auditor-a');
    const seq = async (c: Caller) => [
      await codeOf(() => sec.rateLimit(c)),
      await codeOf(() => sec.rateLimit(c)),
      await codeOf(() => sec.rateLimit(c)),
    ];
    expect(await seq(a)).toEqual(['ok', 'ok', 'TooManyRequests']);
    expect(await seq(b)).toEqual(['ok', 'ok', 'TooManyRequests']);
    expect(await codeOf(() => sec.rateLimit(a2))).toBe('TooManyRequests');
    const err = (() => {
      try {
        sec.rateLimit(a);
      } catch (e) {
        return e as ApiError;
      }
      return undefined;
    })();
    expect(err?.headers['Retry-After']).toBe('1');
  });

  it('audits into a verifiable chain without token or secret material', async () => {
    const uca = await login('use-case-admin', 'acme');
    await sec.audit(
      {
        requestId: 'r-x',
        subject: uca.subject,
        verb: 'create',
        resource: { kind: 'Secret', namespace: 'acme', name: 'db' },
        outcome: 'allowed',
        status: 201,
      },
      uca,
    );
    await sec.audit({
      requestId: 'r-y',
      subject: 'anonymous',
      verb: 'get',
      outcome: 'unauthenticated',
      status: 401,
      path: '/apis',
    });
    await sec.close();
    const result = await sec.verifyAudit();
    expect(result).toMatchObject({ ok: true });
    const lines: string[] = [];
    await sec.exportAudit((l) => void lines.push(l));
    const text = lines.join('');
    // Every record, then the export's final signed checkpoint.
    expect(lines.filter((l) => !l.startsWith('{"checkpoint"')).length).toBe(result.records);
    expect(lines.at(-1)).toMatch(/^\{"checkpoint":\{.*"final":true/);
    expect(text).toContain('"action":"token:create"');
    expect(text).toContain('"code":"Unauthorized"');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(text).not.toContain(PLAIN);
  });
});
