// The carbon report over real HTTP and the real CLI: usage an agent reported → kWh and gCO2e by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../testing/secure-env.js';
import { runCli } from '../../cli/testing/run.js';

let env: SecureEnv;
let agent: string;
let tenant: string;
const T0 = Date.UTC(2026, 10, 2, 10);
const H = 3_600_000;

// One CPU-hour in an hour on the default host model (64 cores, 100 W idle, 130 W at 10 %): utilisation 1/64,
// 100 + 30 × 0.15625 = 104.6875 W → 4.6875 W above idle × 3600 s = 16 875 J; far-edge PUE 1.6 → 0.0075 kWh;
// DE 2020 mean 301 g/kWh → 2.2575 g. Two such hours of `web`, one of `etl` at twice the CPU (linear below 10 %).
const KWH_PER_CPU_HOUR = (16_875 * 1.6) / 3.6e6;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme', 'rival'], sites: ['sa'], runControllers: false });
  agent = await env.agentToken('sa');
  tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  const rec = (workload: string, deployment: string, start: number, cpuSeconds: number) => ({
    site: 'sa',
    namespace: 'acme',
    workload,
    deployment,
    component: 'main',
    start,
    end: start + H,
    cpuSeconds,
  });
  const res = await fetch(`${env.cp.url}/agent/v1/sites/sa/usage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      records: [rec('web-0', 'web', T0, 3600), rec('web-0', 'web', T0 + H, 3600), rec('etl-0', 'etl', T0, 7200)],
    }),
  });
  expect(res.status).toBe(202);
}, 60_000);
afterAll(async () => env?.stop());

const get = async (token: string, q: string) => {
  const r = await fetch(`${env.cp.url}/metering/v1/carbon?${q}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as any };
};

describe('carbon report', () => {
  it('by deployment and by site, as the hand calculation says', async () => {
    const q = `namespace=acme&from=${T0}&to=${T0 + 24 * H}`;
    const dep = await get(tenant, `${q}&groupBy=deployment`);
    expect(dep.status).toBe(200);
    const by = Object.fromEntries(dep.body.rows.map((r: any) => [r.key, [r.kWh, r.gCO2e, r.hours, r.method]]));
    expect(by['acme/web'][0]).toBeCloseTo(2 * KWH_PER_CPU_HOUR, 9);
    expect(by['acme/web'][1]).toBeCloseTo(2 * KWH_PER_CPU_HOUR * 301, 6);
    expect(by['acme/etl'][0]).toBeCloseTo(2 * KWH_PER_CPU_HOUR, 9);
    expect(by['acme/web'].slice(2)).toEqual([2, 'estimated']);
    const site = await get(tenant, `${q}&groupBy=site`);
    expect(site.body.rows).toHaveLength(1);
    expect(site.body.total.gCO2e).toBeCloseTo(4 * KWH_PER_CPU_HOUR * 301, 6);
    expect(site.body.methodology).toContain('location-based');
  });

  it.each([
    ['namespace=rival', 403],
    ['namespace=acme&groupBy=planet', 400],
    ['namespace=acme&from=yesterday', 400],
    ['', 400],
  ])('%s → %d', async (q, status) => expect((await get(tenant, q)).status).toBe(status));

  it('continuum carbon prints the table and CSV', async () => {
    const conn = ['--server', env.cp.url, '--token', tenant];
    const csv = await runCli('carbon', '--tenant', 'acme', '--period', '2026-11', '-o', 'csv', ...conn);
    expect([csv.code, csv.err]).toEqual([0, '']);
    expect(csv.out.split('\n')[0]).toBe('deployment,kwh,gco2e,hours,method');
    expect(csv.out).toContain(`acme/web,${(2 * KWH_PER_CPU_HOUR).toFixed(6)},`);
    const table = await runCli('carbon', '--tenant', 'acme', '--period', '2026-11', '--by', 'tenant', ...conn);
    expect(table.out).toMatch(/^TENANT\s+KWH\s+GCO2E\s+HOURS\s+METHOD$/m);
    expect((await runCli('carbon', '--tenant', 'acme', '--period', '2026-13', ...conn)).code).toBe(2);
  });
});
