// Metering benchmark: usage-record ingest through the API (agent route → validation → usage store) vs raw
// inserts of the same rows into the same usage store, alternating rounds in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { startControlPlane } from '../../src/controlplane/index.js';
import { API_VERSION, SiteKind } from '../../src/model/index.js';
import type { UsageRecord } from '../../src/management/index.js';
import { columnar } from '../../src/agent/usage.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PG = process.env.BENCH_PG_URL;
const SITE = 'bench-site';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** BATCHES batches of BATCH one-minute records of 200 workloads in 20 tenants. */
function batches(round: number): UsageRecord[][] {
  const t0 = Date.UTC(2026, 10, 1) + round * 86_400_000;
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const w = i % 200;
      return {
        site: SITE,
        namespace: `tenant-${w % 20}`,
        workload: `app-${w}-${b % 7}`,
        deployment: `app-${w % 50}`,
        component: 'api',
        start: t0 + (b * BATCH + i) * 1000,
        end: t0 + (b * BATCH + i) * 1000 + 60_000,
        cpuSeconds: 0.25 + (i % 13) / 100,
        memoryByteSeconds: 134_217_728 * 60,
        storageByteSeconds: 0,
        egressBytes: 1500 * (i % 17),
        invocations: 0,
        energyKWh: 0,
      };
    }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-metering-'));
  const cp = await startControlPlane({
    dataDir: join(dir, 'cp'),
    port: 0,
    ...(PG ? { postgresUrl: PG, postgresSchema: `bench_metering_${process.pid}` } : {}),
    rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
    tenantRateLimit: { ratePerSecond: 10_000, burst: 10_000 },
    management: { rollupIntervalMs: 3_600_000 },
  });
  const usage = cp.management.usage;
  await cp.store.create(SiteKind, {
    apiVersion: API_VERSION,
    kind: 'Site',
    metadata: { name: SITE },
    spec: {
      provider: 'bench',
      category: 'far-edge',
      location: { country: 'ES', latitude: 40, longitude: -3 },
      capacity: { cpu: 8, memory: '16Gi' },
    },
  });
  const u = new URL(cp.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent,
          method: 'POST',
          host: u.hostname,
          port: u.port,
          path: `/agent/v1/sites/${SITE}/usage`,
          headers: {
            authorization: `Bearer ${cp.adminToken}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 202 ? resolve() : reject(new Error(`${res.statusCode} ${Buffer.concat(chunks)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const api: number[] = [];
  const raw: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      // Raw: the same rows straight into the same store, one transaction per batch.
      const rawRows = batches(2 * r);
      let t = performance.now();
      for (const b of rawRows) await usage.insert(b);
      raw.push((BATCH * BATCHES) / ((performance.now() - t) / 1000));
      // API: the agent's columnar request bodies (serialised beforehand), CONCURRENCY at a time.
      const bodies = batches(2 * r + 1).map((b) => JSON.stringify(columnar(b)));
      t = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < bodies.length) await post(bodies[next++]);
        }),
      );
      api.push((BATCH * BATCHES) / ((performance.now() - t) / 1000));
      console.log(`round ${r + 1}: raw ${Math.round(raw[r])} records/s, API ${Math.round(api[r])} records/s`);
    }
    const t = performance.now();
    const folded = await usage.rollup();
    const rollMs = performance.now() - t;
    const a = median(api);
    const w = median(raw);
    console.log(
      JSON.stringify(
        {
          engine: usage.engine,
          batch: BATCH,
          recordsPerRound: BATCH * BATCHES,
          concurrency: CONCURRENCY,
          rawRecordsPerSecond: Math.round(w),
          apiRecordsPerSecond: Math.round(a),
          ratio: Math.round((a / w) * 1000) / 1000,
          goal: { apiRecordsPerSecond: 50_000, ratio: 0.3 },
          met: a >= 50_000 && a / w >= 0.3,
          rollup: { records: folded, ms: Math.round(rollMs), recordsPerSecond: Math.round(folded / (rollMs / 1000)) },
        },
        null,
        2,
      ),
    );
  } finally {
    agent.destroy();
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
    if (PG) {
      const c = new pg.Client({ connectionString: PG });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS bench_metering_${process.pid} CASCADE`);
      await c.end();
    }
  }
}

await main();
