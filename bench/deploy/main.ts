// Deploy benchmark: apply → all Running for the three-tier example, as processes and as containers, vs a bare spawn.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  buildExamplesImage,
  detectContainerRuntime,
  Podman,
  podmanHome,
  runDirOf,
  threeTierContainerManifest,
} from '../../src/agent/drivers/container/index.js';
import { startEmbeddedAgents } from '../../src/agent/index.js';
import { ContinuumClient } from '../../src/client/index.js';
import { startControlPlane } from '../../src/controlplane/index.js';
import { DeploymentKind, kindByName, WorkloadKind, type ResourceInput } from '../../src/model/index.js';
import { packageRoot } from '../../src/lib/index.js';
import { loadTopology } from '../../src/topology/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ROOT = packageRoot();
const docs = (file: string): ResourceInput[] => parseDocs(readFileSync(file, 'utf8'));
const parseDocs = (text: string): ResourceInput[] => parseAllDocuments(text).map((d) => d.toJS() as ResourceInput);

/** One variant of the example: its Application and Deployment objects (under names of its own). */
interface Variant {
  label: string;
  app: ResourceInput;
  dep: ResourceInput;
  times: number[];
}

/** The variant's objects with the Application renamed (the two variants must not overwrite each other's). */
function variant(label: string, objs: ResourceInput[], appName: string): Variant {
  const app = objs.find((o) => o.kind === 'Application')!;
  const dep = objs.find((o) => o.kind === 'Deployment')!;
  return {
    label,
    app: { ...app, metadata: { ...app.metadata, name: appName } },
    dep: { ...dep, spec: { ...(dep.spec as object), application: appName } },
    times: [],
  };
}

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

/** What the frontend's home page says (it calls api, which calls store), retried for up to 20 s. */
async function chain(url: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(5000) });
      const b = (await r.json()) as Record<string, unknown>;
      if (r.ok) return `yes (${['frontend', 'api', 'store'].map((k) => `${k} ${String(b[k])}`).join(', ')})`;
      last = `${r.status} ${JSON.stringify(b).slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return `NO: ${last}`;
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

/** Applies the variant under a new Deployment name and resolves with the time until the Deployment is Running. */
async function deployOnce(
  cp: Awaited<ReturnType<typeof startControlPlane>>,
  client: ContinuumClient,
  v: Variant,
  name: string,
): Promise<number> {
  const w = await cp.store.watch(DeploymentKind, { namespace: 'default', fieldSelector: `metadata.name=${name}` });
  const t0 = performance.now();
  await client.apply(v.app);
  await client.apply({ ...v.dep, metadata: { ...v.dep.metadata, name } });
  for await (const ev of w) if (ev.object.status?.phase === 'Running') break;
  const t = performance.now() - t0;
  w.close();
  return t;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-bench-deploy-'));
  const home = join(dir, 'podman');
  const containers = await detectContainerRuntime({ home });
  const cp = await startControlPlane({
    dataDir: join(dir, 'cp'),
    port: 0,
    siteGraceSeconds: 30,
    runtimePolicy: 'allow-all',
  });
  const topo = loadTopology(join(ROOT, 'test', 'fixtures', 'iberia.yaml'));
  // The fixture's sites allow only process; here they also allow containers (the agents detect podman).
  for (const s of topo.sites) {
    const spec = s.spec as { runtimes?: string[] };
    if (spec.runtimes && containers.available) spec.runtimes = [...spec.runtimes, 'container'];
  }
  for (const o of [...topo.providers, ...topo.areas, ...topo.sites]) await cp.store.apply(kindByName(o.kind)!, o);
  const ref: { agents?: Awaited<ReturnType<typeof startEmbeddedAgents>> } = {};
  const agents = await startEmbeddedAgents({
    server: cp.url,
    token: cp.adminToken,
    sites: topo.sites.map((s) => s.metadata.name),
    stateDir: join(dir, 'agents'),
    heartbeatMs: 1000,
    agentOptions: {
      driverOptions: {
        podmanHome: home,
        // All sites on this host (as under `continuum up`): a container's loopback peers may be on any agent.
        peerPorts: (ns: string) =>
          (ref.agents?.all() ?? []).flatMap((a) =>
            a.driver.list().flatMap((w) => (w.id.startsWith(`${ns}/`) ? Object.values(w.ports) : [])),
          ),
      },
    },
  });
  ref.agents = agents;
  const client = new ContinuumClient({ server: cp.url, token: cp.adminToken });
  const variants = [
    variant('continuum apply → all Running (process)', docs(join(ROOT, 'examples', 'three-tier', 'app.yaml')), 'shop'),
  ];
  if (containers.available) {
    const image = await buildExamplesImage(new Podman(podmanHome(home)));
    variants.push(
      variant('continuum apply → all Running (container)', parseDocs(threeTierContainerManifest(image)), 'shop-ctr'),
    );
  }
  const bare: number[] = [];
  console.log(
    `bench/deploy: three-tier example (store → api → frontend), ${RUNS} runs each, alternating, node ${process.version}`,
  );
  if (!containers.available) console.log(`container variant skipped: ${containers.reason}`);
  for (let i = 0; i < RUNS + 1; i++) {
    for (const [k, v] of variants.entries()) {
      const name = `shop-${k}-${i}`;
      const t = await deployOnce(cp, client, v, name);
      if (i === 0) {
        const ws = (await cp.store.list(WorkloadKind, { namespace: 'default' })).items.filter(
          (x) => x.spec.deployment === name,
        );
        const limits = ws.map((x) => x.status?.limits).find(Boolean);
        const front = ws.find((x) => x.spec.component === 'frontend')?.status?.url;
        console.log(`${v.label}: frontend → api → store answers: ${front ? await chain(front) : 'no url'}`);
        console.log(
          `${v.label}: runtimes ${ws.map((x) => `${x.spec.component}=${x.spec.runtime}`).join(', ')}; limits enforced: cpu ${limits?.cpu ?? false}, memory ${limits?.memory ?? false}${limits?.reason ? ` (${limits.reason})` : ''}`,
        );
      } else v.times.push(t);
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
    const tb = await bareRun(dir);
    if (i > 0) bare.push(tb);
  }
  const row = (label: string, xs: number[]): string =>
    `| ${label} | ${pct(xs, 0.5).toFixed(0)} | ${pct(xs, 0.99).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
  console.log(
    `\n(first run discarded as warm-up)\n\n| | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|\n${variants.map((v) => row(v.label, v.times)).join('\n')}\n${row('bare spawn + health check', bare)}`,
  );
  const goal = (v: Variant, ms: number): string =>
    `${v.label.replace('continuum apply → all Running ', '')}: ratio p50 ${(pct(v.times, 0.5) / pct(bare, 0.5)).toFixed(2)}×, p99 ${(pct(v.times, 0.99) / pct(bare, 0.99)).toFixed(2)}×; goal p99 ≤ ${ms} ms → ${pct(v.times, 0.99) <= ms ? 'met' : 'NOT met'}`;
  console.log(`\n${variants.map((v, k) => goal(v, k === 0 ? 1000 : 2000)).join('\n')}`);
  await agents.stop({ detach: false });
  await cp.stop();
  rmSync(runDirOf(home), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

await main();
