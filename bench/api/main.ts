// API benchmark: GET of one object and a list of 100 through the full stack vs a bare Fastify route, same run.
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../../src/controlplane/index.js';
import { API_VERSION, SiteKind } from '../../src/model/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OBJECTS = 100;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const site = (i: number) => ({
  apiVersion: API_VERSION,
  kind: 'Site',
  metadata: { name: `site-${String(i).padStart(3, '0')}`, labels: { bench: 'api' } },
  spec: {
    provider: 'bench',
    category: 'far-edge' as const,
    location: { country: 'ES', latitude: 40, longitude: -3 },
    capacity: { cpu: 8, memory: '16Gi' },
  },
});

/** Requests/s of GET `url` with CONCURRENCY keep-alive connections for SECONDS (after a 1 s warm-up). */
async function rate(url: string, token?: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const u = new URL(url);
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end();
    });
  const run = async (ms: number): Promise<number> => {
    let n = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          await one();
          n++;
        }
      }),
    );
    return n;
  };
  await run(1000);
  const t0 = performance.now();
  const n = await run(SECONDS * 1000);
  agent.destroy();
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-api-'));
  // The per-credential rate limit (default 50/s) would measure the limiter, not the stack: lifted for the bench.
  const cp = await startControlPlane({ dataDir: dir, port: 0, rateLimit: { ratePerSecond: 1e9, burst: 1e9 } });
  const bare = Fastify({ logger: false });
  try {
    for (let i = 0; i < OBJECTS; i++) await cp.store.create(SiteKind, site(i));
    const base = `${cp.url}/apis/${API_VERSION}/sites`;
    const auth = { headers: { authorization: `Bearer ${cp.adminToken}` } };
    const oneJson: unknown = await (await fetch(`${base}/site-042`, auth)).json();
    const listJson: unknown = await (await fetch(base, auth)).json();
    bare.get('/one', async () => oneJson);
    bare.get('/list', async () => listJson);
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
    const rows: Array<[string, number, number]> = [];
    for (const [name, full, plain] of [
      ['GET one Site', `${base}/site-042`, `${bareUrl}/one`],
      [`GET list of ${OBJECTS} Sites`, base, `${bareUrl}/list`],
    ] as const) {
      // Alternating rounds, median of each: a busy shared machine's load swings hit both sides alike.
      const bs: number[] = [];
      const fs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        bs.push(await rate(plain));
        fs.push(await rate(full, cp.adminToken));
      }
      rows.push([name, median(fs), median(bs)]);
    }
    console.log(
      `bench/api: ${CONCURRENCY} keep-alive connections, median of ${ROUNDS} alternating ${SECONDS} s rounds, ` +
        'client in the same process',
    );
    console.log('case                      full stack req/s   bare Fastify req/s   ratio');
    for (const [name, f, b] of rows)
      console.log(
        `${name.padEnd(26)}${f.toFixed(0).padStart(16)}${b.toFixed(0).padStart(21)}${`${((100 * f) / b).toFixed(0)} %`.padStart(8)}`,
      );
  } finally {
    await bare.close();
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
