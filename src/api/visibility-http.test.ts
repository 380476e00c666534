// List and watch through HTTP return exactly what the caller may see: tenant users their namespace, agents their site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, WorkloadKind, type AnyResource } from '../model/index.js';
import { workload as workloadFixture } from '../model/testing/index.js';
import { SecretKind } from '../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
const tok: Record<string, string> = {};
const PLAIN = 'visibility-plaintext-Q7';

const workload = (namespace: string, name: string, siteName: string) =>
  workloadFixture(namespace, name, { siteName, spec: { artifact: { command: 'node' } } });

beforeAll(async () => {
  env = await startSecureEnv({
    namespaces: ['tenant-a', 'tenant-b', 'tenant-c'],
    sites: ['site-a', 'site-b'],
    runControllers: false,
  });
  const layout: Array<[string, string, string]> = [
    ['tenant-a', 'a1', 'site-a'],
    ['tenant-a', 'a2', 'site-a'],
    ['tenant-a', 'a3', 'site-b'],
    ['tenant-b', 'b1', 'site-a'],
    ['tenant-b', 'b2', 'site-b'],
    ['tenant-c', 'c1', 'site-b'],
  ];
  for (const [ns, n, s] of layout) await env.cp.store.create(WorkloadKind, workload(ns, n, s));
  for (const ns of ['tenant-a', 'tenant-b'])
    await env.cp.store.create(SecretKind, {
      apiVersion: API_VERSION,
      kind: 'Secret',
      metadata: { name: 'db', namespace: ns },
      spec: { stringData: { password: PLAIN } },
    });
  tok.endUser = (await env.issue({ role: 'end-user', tenant: 'tenant-a' })).token;
  tok.uca = (await env.issue({ role: 'use-case-admin', tenant: 'tenant-a' })).token;
  tok.auditor = (await env.issue({ role: 'auditor' })).token;
  tok.agent = await env.agentToken('site-a');
}, 30_000);
afterAll(() => env?.stop());

const names = (items: AnyResource[]) => items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
const storeNames = async (pred: (o: AnyResource) => boolean) =>
  names((await env.cp.store.list(WorkloadKind)).items.filter(pred));

async function listed(token: string, url: string): Promise<string[]> {
  const r = await env.req(token, 'GET', url);
  expect(r.status, r.text).toBe(200);
  return names(r.body.items);
}

async function watched(token: string, url: string): Promise<string[]> {
  const r = await env.req(token, 'GET', `${url}?watch=true&timeoutSeconds=1`);
  expect(r.status, r.text).toBe(200);
  const objs = r.text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => (JSON.parse(l.slice(6)) as { object: AnyResource }).object);
  return names(objs);
}

describe('list and watch visibility over HTTP', () => {
  it('a tenant user lists and watches only its namespace, across all namespaces and inside it', async () => {
    const want = await storeNames((o) => o.metadata.namespace === 'tenant-a');
    expect(want).toHaveLength(3);
    expect(await listed(tok.endUser, `${BASE}/workloads`)).toEqual(want);
    expect(await listed(tok.endUser, `${BASE}/namespaces/tenant-a/workloads`)).toEqual(want);
    expect(await watched(tok.endUser, `${BASE}/workloads`)).toEqual(want);
    expect((await env.req(tok.endUser, 'GET', `${BASE}/namespaces/tenant-b/workloads`)).status).toBe(403);
    expect(await listed(tok.endUser, `${BASE}/namespaces`)).toEqual(['/tenant-a']);
  });

  it('an agent lists and watches only its site’s workloads, in every tenant', async () => {
    const want = await storeNames((o) => (o.spec as { siteName?: string }).siteName === 'site-a');
    expect(want).toEqual(['tenant-a/a1', 'tenant-a/a2', 'tenant-b/b1']);
    expect(await listed(tok.agent, `${BASE}/workloads`)).toEqual(want);
    expect(await watched(tok.agent, `${BASE}/workloads`)).toEqual(want);
    expect(await listed(tok.agent, `${BASE}/namespaces/tenant-b/workloads`)).toEqual(['tenant-b/b1']);
    expect(await listed(tok.agent, `${BASE}/sites`)).toEqual(['/site-a']);
    expect((await env.req(tok.agent, 'GET', `${BASE}/secrets`)).status).toBe(403);
  });

  it('secrets are listed without values to the auditor and with values only to their tenant admin', async () => {
    const audited = await env.req(tok.auditor, 'GET', `${BASE}/secrets`);
    expect(audited.body.items).toHaveLength(2);
    expect(audited.text).not.toContain(Buffer.from(PLAIN).toString('base64'));
    expect(audited.text).not.toContain(PLAIN);
    for (const s of audited.body.items as AnyResource[]) expect(s.spec).toEqual({ keys: ['password'] });
    const own = await env.req(tok.uca, 'GET', `${BASE}/secrets`);
    expect(names(own.body.items)).toEqual(['tenant-a/db']);
    expect(own.body.items[0].spec.data.password).toBe(Buffer.from(PLAIN).toString('base64'));
    const w = await env.req(tok.auditor, 'GET', `${BASE}/secrets?watch=true&timeoutSeconds=1`);
    expect(w.text).toContain('"keys":["password"]');
    expect(w.text).not.toContain(Buffer.from(PLAIN).toString('base64'));
  });
});
