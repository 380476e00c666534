// Runs shared informers and controllers, optionally only while this replica holds the leader lease.
import type { AnyResource, KindDef, Resource } from '../model/index.js';
import type { ListOptions, Store } from '../store/index.js';
import { silentLogger, type Logger } from '../lib/index.js';
import { Controller, type ControllerSpec } from './controller.js';
import { Informer } from './informer.js';
import { LeaderElector } from './leader.js';
import { storeSource } from './listwatch-store.js';

export interface ManagerOptions {
  store: Store;
  log?: Logger;
  clock?: () => Date;
  /** With leader election, controllers run only on the leader (PostgreSQL, several replicas). */
  leaderElection?: { identity: string; leaseDurationMs?: number; retryMs?: number };
}

export type ControllerFactory = (m: Manager) => ControllerSpec;

export class Manager {
  private informers = new Map<string, Informer<AnyResource>>();
  private controllers: Controller[] = [];
  private factories: ControllerFactory[] = [];
  private elector: LeaderElector | undefined;
  private running = false;
  readonly log: Logger;
  readonly clock: () => Date;

  constructor(readonly opts: ManagerOptions) {
    this.log = opts.log ?? silentLogger;
    this.clock = opts.clock ?? (() => new Date());
  }

  /** A shared informer per (kind, selector); controllers asking for the same one share the cache. */
  informer<S, T>(
    kind: KindDef<S, T>,
    opts: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'> & {
      /**
       * Cache apiVersion, kind and metadata only (no spec, no status): for controllers that need no content, so
       * that no Secret's plaintext (nor any other payload) is held in their cache.
       */
      metadataOnly?: boolean;
    } = {},
  ): Informer<Resource<S, T>> {
    const key =
      `${kind.kind}|${opts.namespace ?? ''}|${opts.labelSelector ?? ''}|${opts.fieldSelector ?? ''}` +
      (opts.metadataOnly ? '|metadata' : '');
    // The key starts with the kind's name, so the informer under it holds objects of `kind`.
    const shared = this.informers.get(key) as Informer<Resource<S, T>> | undefined;
    if (shared) return shared;
    const inf = new Informer(key, storeSource(this.opts.store, kind, opts), {
      onError: (e) => this.log.warn(`informer ${kind.kind}: ${(e as Error).message}`),
    });
    this.informers.set(key, inf);
    if (this.running) void inf.start();
    return inf;
  }

  add(factory: ControllerFactory): void {
    this.factories.push(factory);
  }

  get leading(): boolean {
    return this.running;
  }

  get stats(): Array<{ name: string; reconciles: number; failures: number; queued: number }> {
    return this.controllers.map((c) => ({
      name: c.spec.name,
      reconciles: c.reconciles,
      failures: c.failures,
      queued: c.queue.length,
    }));
  }

  private async startControllers(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.controllers = this.factories.map((f) => new Controller(f(this), this.log, this.clock));
    await Promise.all(this.controllers.map((c) => c.start()));
    this.log.info(`controllers started: ${this.controllers.map((c) => c.spec.name).join(', ')}`);
  }

  private async stopControllers(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await Promise.all(this.controllers.map((c) => c.stop()));
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
    this.controllers = [];
  }

  async start(): Promise<void> {
    const le = this.opts.leaderElection;
    if (!le) return this.startControllers();
    this.elector = new LeaderElector({
      store: this.opts.store,
      identity: le.identity,
      leaseDurationMs: le.leaseDurationMs,
      retryMs: le.retryMs,
      clock: this.clock,
      log: this.log,
      onStartedLeading: () => this.startControllers(),
      onStoppedLeading: () => this.stopControllers(),
    });
    this.elector.start();
  }

  /** Graceful shutdown: in-flight reconciles finish, then the lease is released. */
  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop();
    await this.stopControllers();
  }
}
