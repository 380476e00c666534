// Soak run: many API clients, unplaceable and running Deployments, an agent and the control plane SIGKILLed on a schedule.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/lib/index.js';
import { killTree, workloadTrees } from '../../src/lib/testing/process-tree.js';

export interface SoakOptions {
  durationS: number;
  clients: number;
  /** Of the clients, how many hold a watch open instead of making requests. */
  watchers: number;
  unplaceable: number;
  agentKillS: number;
  cpKillS: number;
  /** Mean pause between two requests of one client. */
  thinkMs: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  durationS: number;
  requests: number;
  api: { p50: number; p99: number };
  healthz: { p99: number; samples: number };
  fiveXxOutside: number;
  fiveXxInside: number;
  errorsOutside: number;
  acknowledgedWrites: number;
  lostWrites: number;
  /** Workload objects sharing one replica slot, plus workload processes beyond one per workload object. */
  duplicateWorkloads: number;
  /** The placeable Deployment's replicas found running (as processes on the soak site) at the end, of STEADY_REPLICAS. */
  steadyRunning: number;
  /** Workload processes on the soak site whose Workload object no longer exists (after the settle time). */
  orphanProcesses: number;
  cpRestarts: number;
  agentRestarts: number;
  rssMiB: Array<{ t: number; rss: number }>;
  idleWritesPerS: number;
  watchEvents: number;
  /** Agent starts that failed (a refused flag, a crash before it ran, no start within a minute). */
  agentStartFailures: number;
  /** Setup requests (applying the unplaceable Deployments) that failed or timed out. */
  setupFailures: number;
  /** Acknowledged writes that could not be checked within the verification budget (server too slow). */
  unverified: number;
}

const BIN = join(packageRoot(), 'bin', 'continuum.js');
const BASE = '/apis/continuum.eu/v1alpha1';
const pct = (xs: number[], p: number): number =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Every process the soak started and that has not exited: killed by `killAll()` (on Ctrl-C, in `finally`). */
const children = new Set<ChildProcess>();
export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}

function startProcess(args: string[], ready: RegExp, timeoutMs = 60_000): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let buf = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms: ${buf.slice(-2000)}`)), timeoutMs);
    const on = (d: Buffer): void => {
      buf = (buf + d.toString()).slice(-20_000);
      if (ready.test(buf)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready: ${buf.slice(-2000)}`));
    });
  });
}

async function killHard(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
}

function rssMiB(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** A Deployment that fits the soak's one agent site: its replicas keep running through every kill. */
const STEADY_REPLICAS = 2;
const SOAK_SITE = 'soak-edge';
const steadyDocs = (): object[] => [
  {
    apiVersion: 'continuum.eu/v1alpha1',
    kind: 'Application',
    metadata: { name: 'steady', namespace: 'default' },
    spec: {
      components: [
        {
          name: 'web',
          runtime: 'process',
          artifact: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
          resources: { cpu: '100m', memory: '64Mi' },
        },
      ],
    },
  },
  {
    apiVersion: 'continuum.eu/v1alpha1',
    kind: 'Deployment',
    metadata: { name: 'steady', namespace: 'default' },
    spec: { application: 'steady', areas: [{ area: 'berlin', replicas: STEADY_REPLICAS }] },
  },
];

const unplaceableDocs = (i: number): object[] => [
  {
    apiVersion: 'continuum.eu/v1alpha1',
    kind: 'Application',
    metadata: { name: `huge-${i}`, namespace: 'default' },
    spec: {
      components: [
        {
          name: 'web',
          runtime: 'process',
          artifact: { command: 'node', args: ['-e', 'setInterval(() => {}, 1000)'] },
          resources: { cpu: '900000', memory: '64Mi' },
        },
      ],
    },
  },
  {
    apiVersion: 'continuum.eu/v1alpha1',
    kind: 'Deployment',
    metadata: { name: `huge-${i}`, namespace: 'default' },
    spec: { application: `huge-${i}`, areas: [{ area: 'paris', replicas: 1 }] },
  },
];

/** Retries a verification read a few times (the server may be slow right after the load stops). */
async function retry(f: () => Promise<Response>): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      const res = await f();
      if (res.status < 500 || i >= 5) return res;
    } catch (e) {
      if (i >= 5) throw e;
    }
    await sleep(2000);
  }
}

/** Runs the soak and returns its figures; never leaves a process behind. */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'continuum-soak-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cpArgs = ['up', '--no-agents', '--insecure-http', '--data-dir', dataDir, '--port', String(port)];
  let cp: ChildProcess | undefined;
  let agent: ChildProcess | undefined;
  let stopping = false;
  /** Restart windows [from, to): from the kill until the API answers again, plus 5 s. */
  const windows: Array<[number, number]> = [];
  let downSince: number | undefined;
  const inWindow = (t: number): boolean => downSince !== undefined || windows.some(([a, b]) => t >= a && t < b + 5000);
  const r: SoakReport = {
    durationS: o.durationS,
    requests: 0,
    api: { p50: NaN, p99: NaN },
    healthz: { p99: NaN, samples: 0 },
    fiveXxOutside: 0,
    fiveXxInside: 0,
    errorsOutside: 0,
    acknowledgedWrites: 0,
    lostWrites: 0,
    duplicateWorkloads: 0,
    steadyRunning: 0,
    orphanProcesses: 0,
    cpRestarts: 0,
    agentRestarts: 0,
    rssMiB: [],
    idleWritesPerS: NaN,
    watchEvents: 0,
    setupFailures: 0,
    unverified: 0,
    agentStartFailures: 0,
  };
  const latencies: number[] = [];
  const health: number[] = [];
  const acked = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  const tasks: Promise<void>[] = [];
  const t0 = Date.now();

  const startCp = async (): Promise<void> => {
    cp = await startProcess(cpArgs, /Continuum is up/);
  };
  let token = '';
  const call = async (method: string, path: string, body?: unknown, ct = 'application/json'): Promise<Response> =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': ct } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });

  try {
    await startCp();
    token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    // Setup writes may time out while the server struggles (e.g. the unplaceable spin): counted, not fatal.
    const docs = [...steadyDocs(), ...Array.from({ length: o.unplaceable }, (_, i) => unplaceableDocs(i)).flat()];
    for (const d of docs) {
      const doc = d as { kind: string; metadata: { name: string } };
      try {
        const res = await call(
          'PATCH',
          `${BASE}/namespaces/default/${doc.kind.toLowerCase()}s/${doc.metadata.name}`,
          d,
          'application/apply-patch+json',
        );
        if (!res.ok) log(`soak: apply ${doc.kind} ${doc.metadata.name}: ${res.status} ${await res.text()}`);
      } catch (e) {
        r.setupFailures++;
        log(`soak: apply ${doc.kind} ${doc.metadata.name} failed: ${(e as Error).message}`);
      }
    }
    const agentArgs = [
      'agent',
      '--server',
      url,
      '--token',
      token,
      '--site',
      SOAK_SITE,
      '--provider',
      'soak',
      '--category',
      'near-edge',
      '--country',
      'DE',
      '--lat',
      '52.5',
      '--lon',
      '13.4',
      '--cpu',
      '4',
      '--memory',
      '8Gi',
      '--runtimes',
      'process',
      '--state-dir',
      join(dataDir, 'agent'),
    ];
    const startAgent = async (): Promise<void> => {
      agent = await startProcess(agentArgs, /agent for site \S+ running/, 60_000).catch((e: Error) => {
        r.agentStartFailures++;
        log(`soak: the agent did not start: ${e.message}`);
        return undefined;
      });
    };
    await startAgent();
    log(`soak: control plane ${url} (pid ${cp?.pid}), ${o.clients} clients, ${o.durationS} s`);

    // Schedules: agent SIGKILL + restart; control plane SIGKILL + restart.
    timers.push(
      setInterval(() => {
        if (stopping) return;
        void (async () => {
          await killHard(agent);
          r.agentRestarts++;
          await startAgent();
        })();
      }, o.agentKillS * 1000),
    );
    timers.push(
      setInterval(() => {
        if (stopping) return;
        void (async () => {
          downSince = Date.now();
          await killHard(cp);
          r.cpRestarts++;
          log(`soak: control plane SIGKILLed at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
          try {
            await startCp();
          } finally {
            windows.push([downSince, Date.now()]);
            downSince = undefined;
          }
        })();
      }, o.cpKillS * 1000),
    );
    timers.push(
      setInterval(() => {
        r.rssMiB.push({ t: Math.round((Date.now() - t0) / 1000), rss: rssMiB(cp?.pid) });
      }, 10_000),
    );

    const deadline = t0 + o.durationS * 1000;
    // /healthz prober.
    tasks.push(
      (async () => {
        while (Date.now() < deadline) {
          const s = Date.now();
          try {
            const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
            await res.arrayBuffer();
            if (!inWindow(s)) health.push(Date.now() - s);
          } catch {
            if (!inWindow(s)) r.errorsOutside++;
          }
          await sleep(250);
        }
      })(),
    );
    // Request clients.
    const client = async (c: number): Promise<void> => {
      for (let i = 0; Date.now() < deadline; i++) {
        await sleep(Math.random() * 2 * o.thinkMs);
        const op = i % 4;
        const name = `soak-${c}`;
        const s = Date.now();
        try {
          let res: Response;
          if (op === 0) res = await call('GET', `${BASE}/providers?limit=50`);
          else if (op === 1) res = await call('GET', `${BASE}/namespaces/default/deployments`);
          else if (op === 2) res = await call('GET', `${BASE}/providers/${name}`);
          else {
            const counter = (acked.get(name) ?? 0) + 1;
            res = await call(
              'PATCH',
              `${BASE}/providers/${name}`,
              {
                apiVersion: 'continuum.eu/v1alpha1',
                kind: 'Provider',
                metadata: { name, labels: { counter: String(counter) } },
                spec: { legalName: name.toUpperCase(), headquarters: { country: 'DE' } },
              },
              'application/apply-patch+json',
            );
            if (res.ok) {
              acked.set(name, counter);
              r.acknowledgedWrites++;
            }
          }
          await res.arrayBuffer();
          r.requests++;
          const inside = inWindow(s);
          if (res.status >= 500) {
            if (inside) r.fiveXxInside++;
            else r.fiveXxOutside++;
          } else if (!inside) latencies.push(Date.now() - s);
        } catch {
          if (!inWindow(s)) r.errorsOutside++;
        }
      }
    };
    const watcher = async (): Promise<void> => {
      while (Date.now() < deadline) {
        try {
          const ac = new AbortController();
          const stop = setTimeout(() => ac.abort(), Math.max(0, deadline - Date.now()));
          const res = await fetch(`${url}${BASE}/providers?watch=true`, {
            headers: { authorization: `Bearer ${token}` },
            signal: ac.signal,
          });
          const reader = res.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            r.watchEvents += (
              Buffer.from(value)
                .toString()
                .match(/^event: /gm) ?? []
            ).length;
          }
          clearTimeout(stop);
        } catch {
          /* reconnect below */
        }
        await sleep(1000);
      }
    };
    for (let c = 0; c < o.clients; c++) tasks.push(c < o.watchers ? watcher() : client(c));
    await Promise.all(tasks);
    stopping = true;
    for (const t of timers) clearInterval(t);
    while (downSince !== undefined) await sleep(200);

    // Verification: every acknowledged write is there; no Deployment has more workloads than asked.
    const verifyBy = Date.now() + 120_000;
    for (const [name, counter] of acked) {
      if (Date.now() > verifyBy) {
        r.unverified++;
        continue;
      }
      const res = await retry(() => call('GET', `${BASE}/providers/${name}`));
      const body = (await res.json()) as { metadata?: { labels?: Record<string, string> } };
      if (!res.ok || Number(body.metadata?.labels?.counter ?? 0) < counter) r.lostWrites++;
    }
    await verifyWorkloads(r, () => retry(() => call('GET', `${BASE}/workloads`)), log);
    // Idle write rate: revisions per second with no client running (agent heartbeats, controllers).
    const rev = async (): Promise<number> =>
      Number(
        (
          (await (await retry(() => call('GET', `${BASE}/namespaces?limit=1`))).json()) as {
            metadata: { resourceVersion: string };
          }
        ).metadata.resourceVersion,
      );
    await sleep(5000);
    const a = await rev();
    await sleep(15_000);
    r.idleWritesPerS = Math.round(((await rev()) - a) / 15);
  } finally {
    stopping = true;
    for (const t of timers) clearInterval(t);
    await killHard(agent);
    await killHard(cp);
    killAll();
    // Workloads outlive their agent (edge autonomy): the soak's own are killed here, whatever happened.
    for (const pids of workloadTrees(SOAK_SITE).values()) for (const pid of pids) killTree(pid);
    rmSync(dataDir, { recursive: true, force: true });
  }
  r.api = { p50: pct(latencies, 50), p99: pct(latencies, 99) };
  r.healthz = { p99: pct(health, 99), samples: health.length };
  return r;
}

type WorkloadList = {
  items?: Array<{
    metadata: {
      namespace?: string;
      name: string;
      ownerReferences?: Array<{ name: string }>;
      deletionTimestamp?: string;
    };
    spec?: { replicaIndex?: number; siteName?: string };
    status?: { phase?: string };
  }>;
};

/**
 * Duplicates and orphans, in the API and on the host: no two live Workloads share a replica slot, every workload
 * of the soak site runs as exactly one process tree, no process outlives its Workload, and the placeable
 * Deployment's replicas all run. Waits (bounded) for the agent to settle after the last kill.
 */
async function verifyWorkloads(r: SoakReport, list: () => Promise<Response>, log: (l: string) => void): Promise<void> {
  let last = '';
  for (const until = Date.now() + 90_000; ;) {
    const wl = (await (await list()).json()) as WorkloadList;
    const live = (wl.items ?? []).filter((w) => !w.metadata.deletionTimestamp);
    const slots = new Set<string>();
    let dupSlots = 0;
    for (const w of live) {
      const k = `${w.metadata.ownerReferences?.[0]?.name}/${w.spec?.replicaIndex ?? JSON.stringify(w.spec)}`;
      if (slots.has(k)) dupSlots++;
      slots.add(k);
    }
    const trees = workloadTrees(SOAK_SITE);
    const ids = new Set(live.map((w) => `${w.metadata.namespace ?? 'default'}/${w.metadata.name}`));
    const dupProcs = [...trees.values()].reduce((n, pids) => n + Math.max(0, pids.length - 1), 0);
    const orphans = [...trees.keys()].filter((id) => !ids.has(id)).length;
    const steady = live.filter((w) => w.metadata.ownerReferences?.[0]?.name === 'steady');
    const running = steady.filter((w) => trees.get(`${w.metadata.namespace ?? 'default'}/${w.metadata.name}`)?.length);
    Object.assign(r, {
      duplicateWorkloads: dupSlots + dupProcs,
      orphanProcesses: orphans,
      steadyRunning: running.length,
    });
    const settled = dupSlots + dupProcs + orphans === 0 && running.length === STEADY_REPLICAS;
    last = `${steady.length} steady workloads, ${running.length} running, ${dupProcs} duplicate processes, ${orphans} orphans`;
    if (settled || Date.now() > until) break;
    await sleep(1000);
  }
  log(`soak: workloads at the end: ${last}`);
}
