// Function runtime benchmark: cold start p50/p99 vs warm calls vs a bare `node` start, and the scale-to-zero delay.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createFunctionDriver } from '../../src/agent/drivers/function/index.js';
import type { RunSpec } from '../../src/agent/drivers/index.js';

const COLD = Number(process.env.BENCH_COLD ?? 30);
const WARM = Number(process.env.BENCH_WARM ?? 300);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 1);
const GOAL_COLD_P99_MS = 500;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const agent = new Agent({ keepAlive: true });
/** One GET; resolves with its status once the body is read. */
function get(port: number, keepAlive = true): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: keepAlive ? agent : false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A bare `node` start: spawn Node with a one-line HTTP server and time until it answers (then kill it). */
async function bareNodeStart(dir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(dir, 'bare.mjs')], { env: { PORT: String(port) }, stdio: 'ignore' });
  for (;;) {
    try {
      if ((await get(port, false)) === 200) break;
    } catch {
      await sleep(2);
    }
  }
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

async function main(): Promise<void> {
  // Not below /tmp: a confined instance has its own private /tmp and would not see the handler there.
  const dir = mkdtempSync(join('/var/tmp', 'continuum-bench-fn-'));
  chmodSync(dir, 0o755); // instances run as their own uids and must be able to read the handler
  const stateDir = join(dir, 'state');
  writeFileSync(join(dir, 'hello.mjs'), "export default () => 'hello\\n';\n");
  writeFileSync(
    join(dir, 'bare.mjs'),
    "import { createServer } from 'node:http';\n" +
      "createServer((q, s) => s.end('hello\\n')).listen(Number(process.env.PORT), '127.0.0.1');\n",
  );
  const d = await createFunctionDriver({ stateDir, readOnlyPaths: [dir] });
  const spec = (name: string, idleSeconds: number): RunSpec => ({
    id: `bench/${name}`,
    uid: name,
    generation: 1,
    runtime: 'function',
    artifact: { handler: join(dir, 'hello.mjs'), function: { idleSeconds, concurrency: 8, maxInstances: 1 } },
    ports: [{ name: 'http' }],
    env: [],
    resources: {},
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 2,
  });
  const waitZero = async (id: string): Promise<number> => {
    const t0 = performance.now();
    while (d.instances(id) > 0) await sleep(2);
    return performance.now() - t0;
  };
  try {
    const bare: number[] = [];
    const cold: number[] = [];
    const coldServer: number[] = [];
    // Interleaved, so both see the same machine load.
    const fast = await d.ensure(spec('cold', 0.05));
    for (let i = 0; i < COLD; i++) {
      bare.push(await bareNodeStart(dir));
      await waitZero(fast.id);
      const t0 = performance.now();
      if ((await get(fast.ports.http!, false)) !== 200) throw new Error('cold call failed');
      cold.push(performance.now() - t0);
    }
    coldServer.push(...(d.stats(fast.id)?.coldStarts ?? []));
    await d.remove(fast.id);

    const warmFn = await d.ensure(spec('warm', 600));
    await get(warmFn.ports.http!);
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) {
      const t0 = performance.now();
      await get(warmFn.ports.http!);
      warm.push(performance.now() - t0);
    }
    await d.remove(warmFn.id);

    const idle = await d.ensure(spec('idle', IDLE_SECONDS));
    await get(idle.ports.http!);
    const lastCall = performance.now();
    await waitZero(idle.id);
    const toZero = performance.now() - lastCall;
    await d.remove(idle.id);

    const row = (name: string, xs: number[]) =>
      `${name.padEnd(34)} p50 ${fmt(pct(xs, 50)).padStart(10)}   p99 ${fmt(pct(xs, 99)).padStart(10)}   (n=${xs.length})`;
    console.log(
      `function runtime, ${COLD} cold / ${WARM} warm calls, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(row('bare node start (spawn → answer)', bare));
    console.log(row('function cold call (client)', cold));
    console.log(row('function cold start (front-side)', coldServer));
    console.log(row('function warm call', warm));
    console.log(
      `cold p50 / bare node p50: ${(pct(cold, 50) / pct(bare, 50)).toFixed(2)}x; ` +
        `cold p50 / warm p50: ${(pct(cold, 50) / pct(warm, 50)).toFixed(1)}x`,
    );
    console.log(
      `cold p99 ${fmt(pct(cold, 99))} vs goal ${GOAL_COLD_P99_MS} ms: ${pct(cold, 99) <= GOAL_COLD_P99_MS ? 'met' : 'MISSED'}`,
    );
    console.log(`scale to zero: idle ${IDLE_SECONDS}s configured, instance gone ${fmt(toZero)} after the last call`);
  } finally {
    await d.close({ detach: false });
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
