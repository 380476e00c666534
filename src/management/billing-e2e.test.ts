// End to end with an accelerated metering clock: an app runs for a simulated day on a real agent; its usage
// records, plus a batch job's exact records, are rated into an invoice that equals a hand calculation to the
// cent; a changed price list gives the expected difference; the Deployment's status carries its running cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import { runCli } from '../cli/testing/run.js';
import { AgentEnv, testSiteSpec, waitFor } from '../agent/testing/env.js';
import { API_VERSION, ApplicationKind, DeploymentKind, WorkloadKind, type Deployment } from '../model/index.js';
import { application, component, deployment } from '../model/testing/index.js';
import { PriceListKind, type Invoice, type UsageRecord } from './index.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2); // the simulated day: 2026-11-02 (UTC)
const REAL_DAY_MS = 20_000; // ... lasts 20 s of real time
const GiB = 1024 ** 3;
const env = new AgentEnv();
let client: ContinuumClient;
let site: string;
/** Real time the simulated day started (Infinity: not yet, the clock stands at T0). */
let realStart = Infinity;
const meteringClock = (): number =>
  T0 + Math.round(Math.min(Math.max(Date.now() - realStart, 0), REAL_DAY_MS) * (DAY / REAL_DAY_MS));

/** Half-up to the cent, as a person would. */
const r2 = (x: number): number => Math.round(Number((x * 100).toFixed(6))) / 100;

const bill = async (): Promise<Invoice> => {
  const r = await runCli(
    'bill',
    '--server',
    env.url,
    '--token',
    env.token,
    '--tenant',
    'default',
    '--period',
    '2026-11',
    '-o',
    'json',
  );
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Invoice;
};

beforeAll(async () => {
  await env.startControlPlane({ management: { costIntervalMs: 300 } });
  client = new ContinuumClient({ server: env.url, token: env.token });
  site = env.siteName('meter');
  await env.agent(site, { siteSpec: testSiteSpec(), usageIntervalMs: 250, meteringClock });
});
afterAll(() => env.cleanup());

describe('metering → rating → invoice', () => {
  it('bills a simulated day to the cent and re-rates with a changed price list', async () => {
    await env.cp!.store.create(PriceListKind, {
      apiVersion: API_VERSION,
      kind: 'PriceList',
      metadata: { name: 'standard' },
      spec: {
        currency: 'EUR',
        validFrom: '2026-01-01T00:00:00Z',
        prices: { cpuHour: 2, memoryGiBHour: 0.5, egressGB: 0.09 },
      },
    });
    // A real app: a process burning ~30 % of a core, placed by the deployment controller on the agent's site.
    const burn =
      'setInterval(()=>{const t=Date.now();while(Date.now()-t<30);},100);process.on("SIGTERM",()=>process.exit(0));';
    await env.cp!.store.create(
      ApplicationKind,
      application('default', 'shop', {
        components: [
          component('api', {
            artifact: { command: process.execPath, args: ['-e', burn] },
            resources: { cpu: '500m', memory: '64Mi' },
          }),
        ],
      }),
    );
    await env.cp!.store.create(DeploymentKind, deployment('default', 'shop'));
    await waitFor(
      async () => {
        const { items } = await env.cp!.store.list(WorkloadKind, { namespace: 'default' });
        return items.some((w) => w.spec.deployment === 'shop' && w.status?.phase === 'Running');
      },
      'the shop workload to run',
      60_000,
    );
    // Let the agent mark the workload at T0, then start the simulated day; it ends 20 s later.
    await new Promise((r) => setTimeout(r, 1000));
    realStart = Date.now();

    // A batch job's exact usage, sent like an agent does: 24 hourly records of half a core, 2 GiB, 2 GB out.
    const etl: UsageRecord[] = Array.from({ length: 24 }, (_, h) => ({
      site,
      namespace: 'default',
      workload: 'etl-0',
      deployment: 'etl',
      component: 'job',
      start: T0 + h * 3_600_000,
      end: T0 + (h + 1) * 3_600_000,
      cpuSeconds: 1800,
      memoryByteSeconds: 2 * GiB * 3600,
      storageByteSeconds: 0,
      egressBytes: 2e9,
      invocations: 0,
      energyKWh: 0,
    }));
    await client.http.json('POST', `/agent/v1/sites/${site}/usage`, { records: etl });

    // Wait until the app's records reach the end of the simulated day.
    const records = await waitFor(
      async () => {
        const r = await client.http.json<{ items: UsageRecord[] }>(
          'GET',
          `/metering/v1/records?namespace=default&from=${T0}&to=${T0 + DAY + 1}`,
        );
        const shop = r.body.items.filter((x) => x.deployment === 'shop');
        return shop.some((x) => x.end === T0 + DAY) && shop;
      },
      'the app usage records to cover the simulated day',
      90_000,
    );
    // The app ran for exactly one simulated day: its records tile [T0, T0 + 1 day).
    expect(Math.min(...records.map((x) => x.start))).toBe(T0);
    expect(records.reduce((s, x) => s + (x.end - x.start), 0)).toBe(DAY);
    const cpuSeconds = records.reduce((s, x) => s + x.cpuSeconds, 0);
    const memGiBHours = records.reduce((s, x) => s + x.memoryByteSeconds, 0) / GiB / 3600;
    expect(cpuSeconds).toBeGreaterThan(0);
    expect(memGiBHours).toBeGreaterThan(0.1); // tens of MiB resident for 24 h

    // Hand calculation. Batch job: 12 core-hours × 2.00 + 48 GiB-hours × 0.50 + 48 GB × 0.09 = 24 + 24 + 4.32.
    const etlHand = 52.32;
    const appHand = r2((cpuSeconds / 3600) * 2) + r2(memGiBHours * 0.5);
    const inv = await bill();
    expect(inv.unpriced).toEqual([]);
    expect(inv.lines.filter((l) => l.deployment === 'etl').map((l) => [l.resource, l.quantity, l.amount])).toEqual([
      ['cpu', 12, 24],
      ['memory', 48, 24],
      ['egress', 48, 4.32],
    ]);
    expect(inv.totals.EUR).toBe(r2(etlHand + appHand));

    // The Deployment's running cost (this month) is its share of the invoice.
    const shopLines = r2(inv.lines.filter((l) => l.deployment === 'shop').reduce((s, l) => s + l.amount, 0));
    const cost = await waitFor(async () => {
      const d = (await client.get(DeploymentKind, 'default', 'shop')) as Deployment;
      return d.status?.cost?.amount === shopLines && d.status.cost;
    }, 'the running cost in the Deployment status');
    expect(cost).toMatchObject({ currency: 'EUR', period: new Date().toISOString().slice(0, 7) });

    // CSV of the same invoice: one row per line item and the total.
    const csv = await runCli(
      'bill',
      '--server',
      env.url,
      '--token',
      env.token,
      '--tenant',
      'default',
      '--period',
      '2026-11',
      '-o',
      'csv',
    );
    expect(csv.out.trim().split('\n')).toHaveLength(inv.lines.length + 2);
    expect(csv.out).toContain(`total,,,,,,,EUR,,${inv.totals.EUR.toFixed(2)}`);

    // A changed price list: CPU 2.50, egress 0.08. Expected difference by hand: batch job +6.00 − 0.48; the app's
    // CPU line moves from 2.00 to 2.50 per core-hour.
    const pl = await client.get(PriceListKind, undefined, 'standard');
    await client.update({
      ...pl,
      spec: { ...pl.spec, prices: { cpuHour: 2.5, memoryGiBHour: 0.5, egressGB: 0.08 } },
    });
    const again = await bill();
    const diff = 6 - 0.48 + (r2((cpuSeconds / 3600) * 2.5) - r2((cpuSeconds / 3600) * 2));
    expect(r2(again.totals.EUR - inv.totals.EUR)).toBe(r2(diff));
    // Rated from the same usage: the quantities did not change.
    expect(again.lines.map((l) => l.quantity)).toEqual(inv.lines.map((l) => l.quantity));
  });

  it('refuses usage from callers that are not the site agent, and records for another site', async () => {
    const tenant = (
      await client.http.json<{ token: string }>('POST', '/auth/v1/tokens', {
        role: 'use-case-admin',
        tenant: 'default',
      })
    ).body.token;
    const t = new ContinuumClient({ server: env.url, token: tenant });
    const rec = { site, namespace: 'default', workload: 'x', start: T0, end: T0 + 1000, cpuSeconds: 1e6 };
    await expect(t.http.json('POST', `/agent/v1/sites/${site}/usage`, { records: [rec] })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      client.http.json('POST', `/agent/v1/sites/${site}/usage`, { records: [{ ...rec, site: 'elsewhere' }] }),
    ).rejects.toMatchObject({ status: 400 });
    // A tenant reads its own invoice, never another tenant's.
    await client.create({
      apiVersion: API_VERSION,
      kind: 'Namespace',
      metadata: { name: 'rival' },
    });
    await expect(t.http.json('GET', '/metering/v1/invoices/default/2026-11')).resolves.toMatchObject({ status: 200 });
    await expect(t.http.json('GET', '/metering/v1/invoices/rival/2026-11')).rejects.toMatchObject({ status: 403 });
    await expect(t.http.json('GET', '/metering/v1/invoices/default/2026-13')).rejects.toMatchObject({ status: 400 });
  });
});
