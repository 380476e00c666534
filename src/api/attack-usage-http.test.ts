// Red-team of the usage ingest route over real HTTP: agents and tenants forging usage for other sites or tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let agentA: string; // agent of site sa
let tenant: string; // use-case admin of acme
const T0 = Date.UTC(2026, 10, 2);
const rec = (site: string, namespace: string, workload: string) => ({
  site,
  namespace,
  workload,
  start: T0,
  end: T0 + 60_000,
  cpuSeconds: 1e6,
});

/** POST over real HTTP (not inject) to the running server. */
async function post(token: string, path: string, body: unknown) {
  const r = await fetch(`${env.cp.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}
async function get(token: string, path: string) {
  const r = await fetch(`${env.cp.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as any };
}

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme', 'rival'], sites: ['sa', 'sb'], runControllers: false });
  agentA = await env.agentToken('sa');
  tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
}, 60_000);
afterAll(async () => env?.stop());

describe('attack: forged usage', () => {
  it('an agent of site sa cannot report for site sb, by URL or by record', async () => {
    const byUrl = await post(agentA, '/agent/v1/sites/sb/usage', { records: [rec('sb', 'acme', 'w')] });
    expect(byUrl.status).toBe(403);
    const byRecord = await post(agentA, '/agent/v1/sites/sa/usage', { records: [rec('sb', 'acme', 'w')] });
    expect(byRecord.status).toBe(400);
    // Columnar form carries the same check.
    const cols = await post(agentA, '/agent/v1/sites/sa/usage', {
      columns: ['site', 'namespace', 'workload', 'start', 'end', 'cpuSeconds'],
      rows: [['sb', 'acme', 'w', T0, T0 + 1000, 5]],
    });
    expect(cols.status).toBe(400);
  });

  it('a tenant cannot report usage, nor read another tenant usage, records or invoice', async () => {
    expect((await post(tenant, '/agent/v1/sites/sa/usage', { records: [rec('sa', 'rival', 'w')] })).status).toBe(403);
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 86_400_000).toISOString();
    expect((await get(tenant, `/metering/v1/usage?namespace=rival&from=${from}&to=${to}`)).status).toBe(403);
    expect((await get(tenant, `/metering/v1/records?namespace=rival&from=${from}&to=${to}`)).status).toBe(403);
    expect((await get(tenant, '/metering/v1/invoices/rival/2026-11')).status).toBe(403);
    expect((await get(agentA, '/metering/v1/invoices/rival/2026-11')).status).toBe(403);
  });

  it('malformed usage bodies are 400, never 500', async () => {
    for (const body of [null, [], { records: 'x' }, { records: [null] }, { columns: ['site'], rows: 'x' }]) {
      const r = await post(agentA, '/agent/v1/sites/sa/usage', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
  });

  // SKIPPED, attack SUCCEEDS (left open, not a small local fix): an agent of site sa may report usage for ANY
  // namespace and workload name, including tenants that never ran anything on sa — parseBatch only checks that
  // `site` is the agent's own. Billing tenant `rival` for a made-up workload is accepted (202). A fix needs
  // the control plane to check each (namespace, workload) against workloads that were assigned to this site in the
  // record's time window — including deleted ones, since agents buffer usage offline and report late — i.e. a
  // placement history, which does not exist yet (ADR 0021).
  it.skip('an agent cannot bill a tenant for a workload that never ran on its site', async () => {
    const r = await post(agentA, '/agent/v1/sites/sa/usage', { records: [rec('sa', 'rival', 'ghost')] });
    expect(r.status).toBe(400);
  });
});
