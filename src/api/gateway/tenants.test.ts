// Hostile tenants through the real security stack: no path reaches another tenant's workload or another origin, and
// an agent cannot report a workload address its site did not register.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, WorkloadKind } from '../../model/index.js';
import { deployment, workload } from '../../model/testing/index.js';
import { BASE, startSecureEnv, type SecureEnv } from '../testing/secure-env.js';
import { echoUpstream, rawRequest, readySite, type Upstream } from './testing/index.js';

let env: SecureEnv;
let port: number;
let appA: Upstream;
let appB: Upstream;
let canary: Upstream;
const tok: Record<string, string> = {};

async function serve(ns: string, url: string): Promise<void> {
  const d = await env.cp.store.create(DeploymentKind, deployment(ns, 'shop'));
  await env.cp.store.updateStatus(DeploymentKind, {
    ...d,
    status: { phase: 'Running', endpoints: [{ component: 'web', site: 'site-a', url }] },
  });
}

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['tenant-a', 'tenant-b'], runControllers: false });
  port = Number(new URL(env.cp.url).port);
  [appA, appB, canary] = await Promise.all([echoUpstream('a'), echoUpstream('b'), echoUpstream('canary')]);
  await readySite(env.cp.store, 'site-a');
  await serve('tenant-a', appA.url);
  await serve('tenant-b', appB.url);
  tok.endUser = (await env.issue({ role: 'end-user', tenant: 'tenant-a' })).token;
  tok.agent = await env.agentToken('site-a');
}, 60_000);
afterAll(async () => {
  await env?.stop();
  for (const u of [appA, appB, canary]) await u?.close();
});

describe('gateway against hostile tenants (issue 12)', () => {
  it("an end user reaches their own app, never another tenant's workload or an internal service", async () => {
    const h = { authorization: `Bearer ${tok.endUser}`, cookie: 'continuum=1' };
    const own = await rawRequest(port, { method: 'POST', path: '/gw/tenant-a/shop/x', headers: h, body: 'hi' });
    expect(own.status, own.body).toBe(200);
    const seen = JSON.parse(own.body);
    expect(seen).toMatchObject({ name: 'a', url: '/x', body: 'hi' });
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect((await rawRequest(port, { path: '/gw/tenant-b/shop/', headers: h })).status).toBe(403);
    for (const target of [appB.port, canary.port, port]) {
      for (const path of [
        `/gw/tenant-a/shop//127.0.0.1:${target}/`,
        `/gw/tenant-a/anything//127.0.0.1:${target}/`,
        `/gw/tenant-a/shop/%5C%5C127.0.0.1:${target}/`,
        `/gw/tenant-a/shop/~web//127.0.0.1:${target}/`,
      ]) {
        const r = await rawRequest(port, { path, headers: h });
        expect([400, 403, 404], `${path}: ${r.status} ${r.body}`).toContain(r.status);
        expect(r.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(appB.seen).toEqual([]);
    expect(canary.seen).toEqual([]);
    // The audit chain holds the gateway request with the client address (and the refused 403 to tenant-b).
    const exported = await env.req(env.adminToken, 'GET', '/audit/v1/export');
    const records = exported.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
    const gw = records.find((r) => r.action === 'gateway' && r.status === 200);
    expect(gw, records.map((r) => JSON.stringify(r).slice(0, 300)).join('\n')).toBeDefined();
    expect(JSON.stringify(gw)).toContain('"ip":"127.0.0.1"');
    expect(JSON.stringify(gw)).toContain('tenant-a');
  });

  it("an agent cannot report a workload address outside its site's registered addresses", async () => {
    const w = await env.cp.store.create(WorkloadKind, workload('tenant-a', 'w1', { siteName: 'site-a' }));
    const put = (status: Record<string, unknown>) =>
      env.req(tok.agent, 'PUT', `${BASE}/namespaces/tenant-a/workloads/w1/status`, { ...w, status });
    const bad = await put({ phase: 'Running', host: '10.66.0.1', ports: { http: 80 } });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.body.errors[0].field).toBe('status.host');
    const badUrl = await env.req(tok.agent, 'PATCH', `${BASE}/namespaces/tenant-a/workloads/w1/status`, {
      status: { url: 'http://169.254.169.254/' },
    });
    expect(badUrl.status, badUrl.text).toBe(422);
    expect(badUrl.body.errors[0].field).toBe('status.url');
    const good = await put({ phase: 'Running', host: '127.0.0.1', ports: { http: appA.port } });
    expect(good.status, good.text).toBe(200);
  });
});
