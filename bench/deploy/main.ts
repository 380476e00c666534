// Deploy benchmark: apply → all Running for the three-tier example vs a bare spawn + health check of the same programs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startEmbeddedAgents } from '../../src/agent/index.js';
import { ContinuumClient } from '../../src/client/index.js';
import { startControlPlane } from '../../src/controlplane/index.js';
import { DeploymentKind, kindByName, WorkloadKind, type ResourceInput } from '../../src/model/index.js';
import { packageRoot } from '../../src/lib/index.js';
import { loadTopology } from '../../src/topology/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ROOT = packageRoot();
const docs = (file: string): ResourceInput[] =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as ResourceInput);

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function waitHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Baseline: start store, api, frontend in order, each once the previous answers its health check. */
async function bareRun(dir: string): Promise<number> {
  const t0 = performance.now();
  const procs: ChildProcess[] = [];
  let prev: string | undefined;
  for (const [name, peer] of [
    ['store', undefined],
    ['api', 'STORE_URL'],
    ['frontend', 'API_URL'],
  ] as const) {
    const port = await freePort();
    const env = { PATH: process.env.PATH, PORT: String(port), ...(peer && prev ? { [peer]: prev } : {}) };
    procs.push(
      spawn(process.execPath, [join(ROOT, 'examples', 'three-tier', `${name}.mjs`)], {
        cwd: dir,
        env,
        stdio: 'ignore',
      }),
    );
    prev = `http://127.0.0.1:${port}`;
    await waitHealthy(prev);
  }
  const t = performance.now() - t0;
  for (const p of procs) p.kill('SIGKILL');
  return t;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-deploy-'));
  const cp = await startControlPlane({ dataDir: join(dir, 'cp'), port: 0, siteGraceSeconds: 30 });
  const topo = loadTopology(join(ROOT, 'test', 'fixtures', 'iberia.yaml'));
  for (const o of [...topo.providers, ...topo.areas, ...topo.sites]) await cp.store.apply(kindByName(o.kind)!, o);
  const agents = await startEmbeddedAgents({
    server: cp.url,
    token: cp.adminToken,
    sites: topo.sites.map((s) => s.metadata.name),
    stateDir: join(dir, 'agents'),
    heartbeatMs: 1000,
  });
  const client = new ContinuumClient({ server: cp.url, token: cp.adminToken });
  const objs = docs(join(ROOT, 'examples', 'three-tier', 'app.yaml'));
  const deploy: number[] = [];
  const bare: number[] = [];
  console.log(
    `bench/deploy: three-tier example (store → api → frontend), ${RUNS} runs each, alternating, node ${process.version}`,
  );
  for (let i = 0; i < RUNS + 1; i++) {
    const name = `shop-${i}`;
    const dep = objs.find((o) => o.kind === 'Deployment')!;
    const app = objs.find((o) => o.kind === 'Application')!;
    const w = await cp.store.watch(DeploymentKind, { namespace: 'default', fieldSelector: `metadata.name=${name}` });
    const t0 = performance.now();
    await client.apply(app);
    await client.apply({ ...dep, metadata: { ...dep.metadata, name } });
    for await (const ev of w) if (ev.object.status?.phase === 'Running') break;
    const t = performance.now() - t0;
    w.close();
    if (i === 0) {
      const limits = (await cp.store.list(WorkloadKind, { namespace: 'default' })).items
        .map((x) => x.status?.limits)
        .find(Boolean);
      console.log(
        `workload cgroup limits enforced: cpu ${limits?.cpu ?? false}, memory ${limits?.memory ?? false}${limits?.reason ? ` (${limits.reason})` : ''}; the bare baseline runs without limits`,
      );
    }
    const tb = await bareRun(dir);
    if (i > 0) {
      deploy.push(t);
      bare.push(tb);
    }
    await client.delete(DeploymentKind, 'default', name);
    for (;;) {
      const left = (await cp.store.list(WorkloadKind, { namespace: 'default' })).items.filter(
        (x) => x.spec.deployment === name,
      );
      const running = agents.all().reduce((n, a) => n + a.driver.list().length, 0);
      if (left.length === 0 && running === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const row = (label: string, xs: number[]): string =>
    `| ${label} | ${pct(xs, 0.5).toFixed(0)} | ${pct(xs, 0.99).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
  console.log(
    `\n(first run discarded as warm-up)\n\n| | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|\n${row('continuum apply → all Running', deploy)}\n${row('bare spawn + health check', bare)}`,
  );
  console.log(
    `\nratio p50: ${(pct(deploy, 0.5) / pct(bare, 0.5)).toFixed(2)}×   ratio p99: ${(pct(deploy, 0.99) / pct(bare, 0.99)).toFixed(2)}×   goal: p99 ≤ 1000 ms → ${pct(deploy, 0.99) <= 1000 ? 'met' : 'NOT met'}`,
  );
  await agents.stop({ detach: false });
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
