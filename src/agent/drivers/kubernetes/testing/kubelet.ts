// Test support: a one-node "kubelet" for the test API server that runs each Deployment's pod under podman kube play.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Podman } from '../../container/podman.js';
import { shortHash } from '../names.js';
import type { KubeObject } from '../render.js';
import { toYaml } from '../yaml.js';
import type { KubeApiServer } from './api-server.js';

type Json = any;

interface Inspect {
  State: { Status: string; Running: boolean; StartedAt: string; ExitCode: number };
  RestartCount: number;
}

/** Runs a probe of the pod's container from inside its network namespace (the image must ship /bin/node). */
function probeArgs(ctr: string, probe: Json, ports: Record<string, number>): string[] | undefined {
  const port = (p: unknown): number => (typeof p === 'number' ? p : (ports[String(p)] ?? 0));
  if (probe.httpGet) {
    const u = `http://127.0.0.1:${port(probe.httpGet.port)}${probe.httpGet.path ?? '/'}`;
    const js = `fetch(${JSON.stringify(u)}).then(r=>process.exit(r.status>=200&&r.status<400?0:1),()=>process.exit(1))`;
    return ['exec', ctr, '/bin/node', '-e', js];
  }
  if (probe.tcpSocket) {
    const p = port(probe.tcpSocket.port);
    const js =
      `require('net').connect(${p},'127.0.0.1')` + '.on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))';
    return ['exec', ctr, '/bin/node', '-e', js];
  }
  if (probe.exec) return ['exec', ctr, ...(probe.exec.command as string[])];
  return undefined;
}

/** The container with its volume mounts renamed like the pod's volumes (`<pod>-<volume>`). */
const podVolumes =
  (pod: string) =>
  (c: Json): Json => ({
    ...c,
    volumeMounts: (c.volumeMounts ?? []).map((m: Json) => ({ ...m, name: `${pod}-${m.name}` })),
  });

/**
 * Reconciles Deployments into Pods (one replica each, a new pod per template), runs them with `podman kube play`
 * (restart policy, limits, user and read-only root are podman's, for real), and writes Pod and Deployment status
 * from `podman inspect` and readiness probes run in the container. Liveness probes are not run here.
 */
export class PodmanKubelet {
  private readonly dir = mkdtempSync(join(tmpdir(), 'continuum-kubelet-'));
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private readonly lastProbe = new Map<string, { at: number; ok: boolean }>();
  private readonly off: () => void;
  readonly prefix = `kt${shortHash(String(process.pid) + Date.now(), 6)}`;

  constructor(
    private readonly api: KubeApiServer,
    private readonly podman: Podman,
  ) {
    api.put('Node', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'podman-node' },
      status: {
        allocatable: { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    this.off = api.onEvent((e) => {
      if (e.kind.kind !== 'Pod' && e.kind.kind !== 'Node') this.kick();
    });
    api.logs = (ns, pod, q, res) => this.logs(ns, pod, q, res);
    this.timer = setInterval(() => this.kick(), 400);
  }

  private podmanName = (pod: KubeObject): string =>
    `${this.prefix}-${shortHash(`${pod.metadata.namespace}/${pod.metadata.name}`, 10)}`;

  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async reconcile(): Promise<void> {
    const deployments = this.api.list('Deployment');
    for (const d of deployments as Json[]) {
      const ns = d.metadata.namespace as string;
      const name = `${d.metadata.name}-${shortHash(JSON.stringify(d.spec.template), 10)}`;
      const mine = (this.api.list('Pod', ns) as Json[]).filter(
        (p) => p.metadata.ownerReferences?.[0]?.uid === d.metadata.uid,
      );
      for (const p of mine) if (p.metadata.name !== name) await this.killPod(p);
      if (!mine.some((p) => p.metadata.name === name)) await this.startPod(d, name);
    }
    const uids = new Set((deployments as Json[]).map((d) => d.metadata.uid));
    for (const p of this.api.list('Pod') as Json[])
      if (!uids.has(p.metadata.ownerReferences?.[0]?.uid)) await this.killPod(p);
    for (const p of this.api.list('Pod')) await this.observe(p);
    for (const d of this.api.list('Deployment') as Json[]) this.deploymentStatus(d);
    // A removal that lost a race with podman restarting a crashing container is retried here.
    const known = new Set(this.api.list('Pod').map((p) => this.podmanName(p)));
    const listed = await this.podman.exec(['pod', 'ps', '--format', '{{.Name}}', '--filter', `name=^${this.prefix}-`]);
    for (const name of listed.stdout.split('\n').filter(Boolean)) if (!known.has(name)) await this.rmPod(name, '0');
  }

  private async startPod(d: Json, name: string): Promise<void> {
    const ns = d.metadata.namespace as string;
    const t = d.spec.template;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: t.metadata?.labels ?? {},
        annotations: t.metadata?.annotations ?? {},
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid }],
      },
      spec: t.spec,
      status: { phase: 'Pending' },
    };
    this.api.put('Pod', pod);
    // A kubelet resolves envFrom itself; podman gets plain env, and no probes (this kubelet runs readiness).
    const containers = (t.spec.containers as Json[]).map((c) => {
      const env: Array<{ name: string; value: string }> = [];
      for (const src of c.envFrom ?? []) {
        const cm = this.api.get('ConfigMap', ns, src.configMapRef?.name) as Json;
        for (const [k, v] of Object.entries(cm?.data ?? {})) env.push({ name: k, value: String(v) });
      }
      // podman would publish every containerPort on the host (0.0.0.0): the pod keeps its own network instead.
      const { envFrom: _e, readinessProbe: _r, livenessProbe: _l, ports: _p, ...rest } = c;
      return { ...rest, env: [...env, ...(c.env ?? [])] };
    });
    const file = join(this.dir, `${this.podmanName(pod)}.yaml`);
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: this.podmanName(pod) },
      // podman turns an emptyDir into a named volume: name it per pod so pods never share one.
      spec: {
        ...t.spec,
        containers: containers.map(podVolumes(this.podmanName(pod))),
        volumes: (t.spec.volumes ?? []).map((v: Json) => ({ ...v, name: `${this.podmanName(pod)}-${v.name}` })),
      },
    };
    writeFileSync(file, toYaml([manifest as KubeObject]));
    const r = await this.podman.exec(['kube', 'play', '--network', 'none', '--start', file], {
      timeoutMs: 120_000,
    });
    if (r.code !== 0) this.api.put('Pod', { ...pod, status: { phase: 'Failed', message: r.stderr.slice(0, 300) } });
  }

  private async killPod(p: Json): Promise<void> {
    const grace = String(p.spec?.terminationGracePeriodSeconds ?? 30);
    await this.rmPod(this.podmanName(p), grace);
    this.api.remove('Pod', p.metadata.namespace, p.metadata.name);
  }

  /** Removes a podman pod, forcing harder when the graceful removal left it behind. */
  private async rmPod(name: string, grace: string): Promise<void> {
    await this.podman.exec(['pod', 'rm', '-f', '-t', grace, name], { timeoutMs: 120_000 });
    if ((await this.podman.exec(['pod', 'exists', name])).code === 0)
      await this.podman.exec(['pod', 'rm', '-f', '-t', '0', name], { timeoutMs: 120_000 });
  }

  private async observe(p: Json): Promise<void> {
    const ctr = `${this.podmanName(p)}-main`;
    const r = await this.podman.exec(['inspect', '--type', 'container', ctr]);
    if (r.code !== 0) return;
    const info = (JSON.parse(r.stdout) as Inspect[])[0]!;
    const c = p.spec.containers[0];
    const ports = Object.fromEntries((c.ports ?? []).map((x: Json) => [x.name, x.containerPort]));
    let ready = info.State.Running;
    if (ready && c.readinessProbe) {
      const last = this.lastProbe.get(ctr);
      const periodMs = 1000 * (c.readinessProbe.periodSeconds ?? 10);
      if (!last || Date.now() - last.at >= Math.min(periodMs, 1000)) {
        const args = probeArgs(ctr, c.readinessProbe, ports);
        const ok = args ? (await this.podman.exec(args, { timeoutMs: 10_000 })).code === 0 : true;
        this.lastProbe.set(ctr, { at: Date.now(), ok });
      }
      ready = this.lastProbe.get(ctr)!.ok;
    }
    const state = info.State.Running
      ? { running: { startedAt: info.State.StartedAt } }
      : { waiting: { reason: 'CrashLoopBackOff', message: `exited with ${info.State.ExitCode}` } };
    const restarted = info.RestartCount > 0 || !info.State.Running;
    const status = {
      phase: info.State.Running ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'main',
          image: c.image,
          ready,
          restartCount: info.RestartCount,
          state,
          ...(restarted ? { lastState: { terminated: { exitCode: info.State.ExitCode } } } : {}),
        },
      ],
    };
    if (JSON.stringify(status) !== JSON.stringify(p.status)) this.api.put('Pod', { ...p, status });
  }

  private deploymentStatus(d: Json): void {
    const pods = (this.api.list('Pod', d.metadata.namespace) as Json[]).filter(
      (p) => p.metadata.ownerReferences?.[0]?.uid === d.metadata.uid,
    );
    const ready = pods.filter((p) =>
      p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'),
    );
    const current = `${d.metadata.name}-${shortHash(JSON.stringify(d.spec.template), 10)}`;
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: pods.length,
      updatedReplicas: pods.filter((p) => p.metadata.name === current).length,
      readyReplicas: ready.length,
      availableReplicas: ready.length,
    };
    if (JSON.stringify(status) !== JSON.stringify(d.status)) this.api.put('Deployment', { ...d, status });
  }

  private logs(ns: string, pod: string, q: URLSearchParams, res: ServerResponse): void {
    const p = this.api.get('Pod', ns, pod);
    if (!p) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (q.get('previous') === 'true') {
      res.end();
      return;
    }
    void this.streamLogs(`${this.podmanName(p)}-main`, q, res);
  }

  /** podman logs, polled while following (a test server: simple over fast). */
  private async streamLogs(ctr: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
    let open = true;
    res.on('close', () => (open = false));
    let sent = -1;
    const tail = q.get('tailLines') ? Number(q.get('tailLines')) : undefined;
    do {
      const r = await this.podman.exec(['logs', ctr]);
      const lines = (r.stdout + r.stderr).split('\n').filter((l) => l !== '');
      if (sent < 0) sent = tail === undefined ? 0 : Math.max(0, lines.length - tail);
      for (const l of lines.slice(sent)) res.write(`${l}\n`);
      sent = Math.max(sent, lines.length);
      if (q.get('follow') !== 'true' || this.closed) break;
      await new Promise((r2) => setTimeout(r2, 300));
    } while (open);
    res.end();
  }

  /** Stops reconciling and removes every pod this kubelet started. */
  async close(): Promise<void> {
    this.closed = true;
    this.off();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    for (const p of this.api.list('Pod')) await this.killPod(p);
    const left = await this.podman.exec(['pod', 'ps', '-q', '--filter', `name=^${this.prefix}-`]);
    for (const id of left.stdout.split('\n').filter(Boolean)) await this.rmPod(id, '0');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
