// List-then-watch of the driver's Deployments and Pods, indexed by workload id, relisting whenever a watch ends.
import { ID_ANNOTATION } from './names.js';
import type { Kube, WatchEvent } from './kube.js';
import type { KubeObject } from './render.js';

interface Resource {
  apiVersion: string;
  kind: string;
  path: string;
}

const DEPLOYMENTS: Resource = { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments' };
const PODS: Resource = { apiVersion: 'v1', kind: 'Pod', path: '/api/v1/pods' };

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** One resource's cache: objects by namespace/name, kept current by a watch. */
class Cache {
  readonly objects = new Map<string, KubeObject>();
  private ctl?: AbortController;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly kube: Kube,
    private readonly r: Resource,
    private readonly selector: string,
    private readonly retryMs: number,
    private readonly changed: (id: string) => void,
    private readonly isStopped: () => boolean,
  ) {}

  /** Lists (replacing the cache, telling about every id that changed) and watches from the list's version. */
  async sync(): Promise<void> {
    const { items, resourceVersion } = await this.kube.list(this.r.apiVersion, this.r.kind, this.selector);
    const before = new Map(this.objects);
    this.objects.clear();
    for (const o of items) this.objects.set(keyOf(o), { ...o, apiVersion: this.r.apiVersion, kind: this.r.kind });
    const ids = new Set<string>();
    for (const o of [...before.values(), ...this.objects.values()]) {
      const id = o.metadata.annotations?.[ID_ANNOTATION];
      if (id) ids.add(id);
    }
    for (const id of ids) this.changed(id);
    if (this.isStopped()) return;
    this.ctl = await this.kube.watch(
      this.r.path,
      { labelSelector: this.selector, resourceVersion },
      (e) => this.onEvent(e),
      () => this.again(),
    );
  }

  private onEvent(e: WatchEvent): void {
    if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
    const o = e.object;
    if (e.type === 'DELETED') this.objects.delete(keyOf(o));
    else this.objects.set(keyOf(o), o);
    const id = o.metadata.annotations?.[ID_ANNOTATION];
    if (id) this.changed(id);
  }

  /** The watch ended (server timeout, 410, connection lost): list again after a pause, until it works. */
  private again(): void {
    this.ctl = undefined;
    if (this.isStopped() || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isStopped()) return;
      this.sync().catch(() => this.again());
    }, this.retryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.ctl?.abort();
  }
}

/** The driver's view of its Deployments and Pods in the cluster. */
export class Watches {
  private stopped = false;
  private readonly deployments: Cache;
  private readonly podCache: Cache;

  constructor(kube: Kube, selector: string, retryMs: number, changed: (id: string) => void) {
    const stopped = (): boolean => this.stopped;
    this.deployments = new Cache(kube, DEPLOYMENTS, selector, retryMs, changed, stopped);
    this.podCache = new Cache(kube, PODS, selector, retryMs, changed, stopped);
  }

  /** First list and watch of both; returns the Deployments found (what a restarted driver adopts). */
  async start(): Promise<KubeObject[]> {
    await this.deployments.sync();
    await this.podCache.sync();
    return [...this.deployments.objects.values()];
  }

  deployment(id: string): KubeObject | undefined {
    for (const d of this.deployments.objects.values()) if (d.metadata.annotations?.[ID_ANNOTATION] === id) return d;
    return undefined;
  }

  pods(id: string): KubeObject[] {
    return [...this.podCache.objects.values()].filter((p) => p.metadata.annotations?.[ID_ANNOTATION] === id);
  }

  stop(): void {
    this.stopped = true;
    this.deployments.stop();
    this.podCache.stop();
  }
}
