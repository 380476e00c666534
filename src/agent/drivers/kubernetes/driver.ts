// The kubernetes runtime driver: applies each workload's objects to a cluster and reports their readiness back.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type Resources } from '../../../model/index.js';
import type { DriverOptions, LogOptions, RunSpec, RunState, RuntimeDriver } from '../driver.js';
import { clusterAllocatable } from './capacity.js';
import { Kube, loadKubeConfig, statusOf, type KubeconfigSource } from './kube.js';
import { DRIVER_LABEL, GENERATION_ANNOTATION, ID_ANNOTATION, MANAGED_BY, MANAGER, UID_LABEL } from './names.js';
import { containerPorts, renderWorkload, type KubeObject } from './render.js';
import { observe } from './status.js';
import { Watches } from './watches.js';

export interface KubernetesDriverOptions extends DriverOptions, KubeconfigSource {
  /** Prefix of the per-tenant namespaces (default `continuum-`). */
  namespacePrefix?: string;
  /** How often the cluster's allocatable capacity is read again (default 30 s). */
  capacityRefreshMs?: number;
  /** Pause before a watch that ended is listed and started again (default 1 s). */
  watchRetryMs?: number;
  /** Non-fatal problems an operator should see (the agent logs them). */
  onWarning?: (message: string) => void;
}

interface Entry {
  uid: string;
  generation: number;
  namespace: string;
  name: string;
  /** metadata.generation of the Deployment as applied for this Continuum generation. */
  deployGeneration?: number;
  state: RunState;
}

/** The driver instance's identity, kept in its state dir so a restarted agent finds (adopts) its own objects. */
function driverIdOf(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const f = join(stateDir, 'driver.json');
  if (existsSync(f)) return (JSON.parse(readFileSync(f, 'utf8')) as { id: string }).id;
  const id = randomBytes(6).toString('hex');
  writeFileSync(f, JSON.stringify({ id }), { mode: 0o600 });
  return id;
}

/** A client-node failure as an ApiError: the cluster refusing a spec is Invalid, anything else Unavailable. */
function asApiError(e: unknown, what: string): ApiError {
  if (e instanceof ApiError) return e;
  const code = statusOf(e);
  const body = (e as { body?: unknown }).body;
  const msg = (typeof body === 'string' ? body : JSON.stringify(body ?? (e as Error).message)).slice(0, 500);
  if (code === 422 || code === 400) return new ApiError('Invalid', `the cluster refused ${what}: ${msg}`);
  return new ApiError('Unavailable', `kubernetes API ${code || 'unreachable'} on ${what}: ${msg}`);
}

const sameState = (a: RunState, b: RunState): boolean => JSON.stringify(a) === JSON.stringify(b);

export class KubernetesDriver implements RuntimeDriver {
  readonly name = 'kubernetes';
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(s: RunState) => void>();
  private readonly watches: Watches;
  private capacity?: Resources;
  private capacityTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly kube: Kube,
    private readonly o: KubernetesDriverOptions,
    readonly driverId: string,
  ) {
    this.watches = new Watches(kube, `${DRIVER_LABEL}=${driverId}`, o.watchRetryMs ?? 1000, (id) => this.refresh(id));
  }

  /** Adopts the Deployments this driver identity left in the cluster, starts the watches and the capacity reads. */
  async start(): Promise<void> {
    const found = await this.watches.start();
    const services = await this.kube.list('v1', 'Service', `${DRIVER_LABEL}=${this.driverId}`);
    for (const d of found) {
      const id = d.metadata.annotations?.[ID_ANNOTATION];
      if (!id) continue;
      const svc = services.items.find((s) => s.metadata.annotations?.[ID_ANNOTATION] === id);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ports = (d as any).spec?.template?.spec?.containers?.[0]?.ports ?? [];
      this.entries.set(id, {
        uid: d.metadata.labels?.[UID_LABEL] ?? '',
        generation: Number(d.metadata.annotations?.[GENERATION_ANNOTATION] ?? 0),
        namespace: d.metadata.namespace ?? '',
        name: d.metadata.name,
        deployGeneration: Number(d.metadata.generation ?? 0) || undefined,
        state: {
          ...this.baseState(id, d.metadata.labels?.[UID_LABEL] ?? '', 0, svc, d.metadata.namespace, d.metadata.name),
          generation: Number(d.metadata.annotations?.[GENERATION_ANNOTATION] ?? 0),
          ports: Object.fromEntries(
            ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
          ),
          envPending: true,
        },
      });
      this.refresh(id);
    }
    await this.readCapacity();
    this.capacityTimer = setInterval(() => void this.readCapacity(), this.o.capacityRefreshMs ?? 30_000);
    this.capacityTimer.unref();
  }

  /** The cluster's allocatable capacity as last read (undefined until the first successful read). */
  allocatable(): Resources | undefined {
    return this.capacity;
  }

  private async readCapacity(): Promise<void> {
    try {
      const nodes = await this.kube.core.listNode();
      this.capacity = clusterAllocatable(nodes.items as unknown as KubeObject[]);
    } catch (e) {
      if (!this.closed) this.o.onWarning?.(`kubernetes: reading node capacity failed: ${(e as Error).message}`);
    }
  }

  private baseState(
    id: string,
    uid: string,
    generation: number,
    svc: KubeObject | undefined,
    namespace = '',
    name = '',
  ): RunState {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ip = (svc as any)?.spec?.clusterIP as string | undefined;
    return {
      id,
      uid,
      generation,
      phase: 'Starting',
      ready: false,
      host: ip && ip !== 'None' ? ip : `${name}.${namespace}.svc`,
      ports: {},
      restarts: 0,
      limits: { cpu: false, memory: false },
    };
  }

  async ensure(spec: RunSpec): Promise<RunState> {
    if (this.closed) throw new ApiError('Unavailable', 'the kubernetes driver is closed');
    const objs = renderWorkload(spec, { driverId: this.driverId, namespacePrefix: this.o.namespacePrefix });
    const prev = this.entries.get(spec.id);
    if (prev && prev.uid === spec.uid && prev.generation === spec.generation && !prev.state.envPending)
      return prev.state;
    const applied: KubeObject[] = [];
    for (const obj of objs) {
      try {
        applied.push(await this.kube.apply(obj));
      } catch (e) {
        throw asApiError(e, `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
      }
    }
    const dep = applied.find((x) => x.kind === 'Deployment')!;
    const svc = applied.find((x) => x.kind === 'Service');
    if (!svc && spec.ports.length === 0) await this.dropService(dep);
    const same = prev && prev.uid === spec.uid && prev.generation === spec.generation;
    const requested = { cpu: spec.resources.cpu !== undefined, memory: spec.resources.memory !== undefined };
    const missing = Object.entries(requested).filter(([, v]) => !v);
    const state: RunState = {
      ...this.baseState(spec.id, spec.uid, spec.generation, svc, dep.metadata.namespace, dep.metadata.name),
      ...(same ? { phase: prev.state.phase, ready: prev.state.ready, restarts: prev.state.restarts } : {}),
      ports: containerPorts(spec),
      limits: {
        ...requested,
        ...(missing.length ? { reason: `${missing.map(([k]) => k).join(' and ')} not requested` } : {}),
      },
    };
    this.entries.set(spec.id, {
      uid: spec.uid,
      generation: spec.generation,
      namespace: dep.metadata.namespace ?? '',
      name: dep.metadata.name,
      deployGeneration: Number(dep.metadata.generation ?? 0) || undefined,
      state,
    });
    this.emit(state);
    this.refresh(spec.id);
    return this.entries.get(spec.id)!.state;
  }

  /** A workload that no longer declares ports keeps no Service. */
  private async dropService(dep: KubeObject): Promise<void> {
    const meta = { name: dep.metadata.name, namespace: dep.metadata.namespace };
    await this.kube.delete({ apiVersion: 'v1', kind: 'Service', metadata: meta }).catch(() => false);
  }

  /** Recomputes one workload's state from the watched Deployment and Pods; tells listeners when it changed. */
  private refresh(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    const dep = this.watches.deployment(id);
    const current = dep?.metadata.annotations?.[GENERATION_ANNOTATION] === String(e.generation) ? dep : undefined;
    const pods = this.watches
      .pods(id)
      .filter((p) => p.metadata.annotations?.[GENERATION_ANNOTATION] === String(e.generation));
    const seen = observe(current, pods, e.deployGeneration);
    const { startedAt: _s, exitCode: _x, message: _m, ...rest } = e.state;
    const next: RunState = { ...rest, ...seen };
    if (sameState(next, e.state)) return;
    e.state = next;
    this.emit(next);
  }

  private emit(s: RunState): void {
    for (const l of this.listeners) l(s);
  }

  async remove(id: string, graceSeconds?: number): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    const meta = { name: e.name, namespace: e.namespace };
    const kinds: Array<[string, string]> = [
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['v1', 'ConfigMap'],
    ];
    for (const [apiVersion, kind] of kinds) {
      try {
        await this.kube.delete({ apiVersion, kind, metadata: meta }, kind === 'Deployment' ? graceSeconds : undefined);
      } catch (err) {
        throw asApiError(err, `deleting ${kind} ${e.namespace}/${e.name}`);
      }
    }
    this.entries.delete(id);
    this.emit({ ...e.state, phase: 'Terminated', ready: false });
    await this.dropNamespaceIfEmpty(e.namespace);
  }

  /** Deletes a tenant namespace once no Continuum-managed Deployment (of any agent) is left in it. */
  private async dropNamespaceIfEmpty(namespace: string): Promise<void> {
    const left = await this.kube.list('apps/v1', 'Deployment', `${MANAGED_BY}=${MANAGER}`, namespace);
    if (left.items.length > 0) return;
    const ns = await this.kube.get('v1', 'Namespace', namespace);
    if (ns?.metadata.labels?.[MANAGED_BY] !== MANAGER) return;
    await this.kube.delete(ns);
  }

  get(id: string): RunState | undefined {
    return this.entries.get(id)?.state;
  }

  list(): RunState[] {
    return [...this.entries.values()].map((e) => e.state);
  }

  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async *logs(id: string, opts: LogOptions = {}): AsyncIterable<string> {
    const e = this.entries.get(id);
    if (!e) throw new ApiError('NotFound', `workload ${id} is not known to the kubernetes driver`);
    let pod = this.newestPod(id);
    for (let i = 0; !pod && opts.follow && !opts.signal?.aborted && i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pod = this.newestPod(id);
    }
    if (!pod) return;
    yield* this.kube.logs(e.namespace, pod.metadata.name, 'main', opts);
  }

  private newestPod(id: string): KubeObject | undefined {
    const ts = (p: KubeObject): string => String(p.metadata.creationTimestamp ?? '');
    return [...this.watches.pods(id)].sort((a, b) => ts(b).localeCompare(ts(a)))[0];
  }

  async close(opts: { detach: boolean }): Promise<void> {
    if (!opts.detach) for (const id of [...this.entries.keys()]) await this.remove(id).catch(() => undefined);
    this.closed = true;
    if (this.capacityTimer) clearInterval(this.capacityTimer);
    this.watches.stop();
  }
}

/** Creates the driver on `o.stateDir` for the cluster of the kubeconfig and adopts what its identity left there. */
export async function createKubernetesDriver(o: KubernetesDriverOptions): Promise<KubernetesDriver> {
  const kube = new Kube(loadKubeConfig(o));
  const d = new KubernetesDriver(kube, o, driverIdOf(o.stateDir));
  await d.start();
  return d;
}
