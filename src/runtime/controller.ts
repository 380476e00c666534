// A controller: watches feed keys into a rate-limited queue; workers run a level-triggered reconcile per key.
import { silentLogger, type BackoffConfig, type Logger } from '../lib/index.js';
import type { AnyResource } from '../model/index.js';
import type { ChangeType, Informer } from './informer.js';
import { objectKey } from './informer.js';
import { WorkQueue } from './queue.js';

/** Thrown by a reconcile that must not be retried (the input is wrong, not the world). */
export class TerminalError extends Error {
  constructor(
    message: string,
    readonly reason = 'TerminalError',
  ) {
    super(message);
    this.name = 'TerminalError';
  }
}

export interface ReconcileResult {
  /** Reconcile this key again after this many ms even without a change (e.g. to re-check a timeout). */
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  signal: AbortSignal;
  log: Logger;
  now(): Date;
}

/**
 * An informer a controller watches. `ControllerSpec.watches` holds them erased (`Watched` = `Watched<AnyResource>`):
 * `map` is declared in method form, checked bivariantly, so a `{ informer: sites, map: (s: Site, old) => … }`
 * fits; annotate `map`'s parameters with the informer's object type to use its typed spec and status.
 */
export interface Watched<R extends AnyResource = AnyResource> {
  informer: Informer<R>;
  /** Keys of this controller's objects affected by a change of `obj`; default: the object's own key. */
  map?(obj: R, old: R | undefined, type: ChangeType): string[];
}

export interface ControllerSpec {
  name: string;
  watches: Watched[];
  /** Level-triggered: re-read state for `key` and converge; never depend on which event caused it. */
  reconcile(ctx: ReconcileContext, key: string): Promise<ReconcileResult | void>;
  workers?: number;
  backoff?: BackoffConfig;
  /** Periodic full resync of every key (ms). */
  resyncMs?: number;
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly ac = new AbortController();
  private workers: Promise<void>[] = [];
  private resync: NodeJS.Timeout | undefined;
  reconciles = 0;
  failures = 0;

  constructor(
    readonly spec: ControllerSpec,
    private readonly log: Logger = silentLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.queue = new WorkQueue(spec.backoff);
    for (const w of spec.watches) {
      w.informer.on((type, obj, old) => {
        for (const k of w.map ? w.map(obj, old, type) : [objectKey(obj)]) this.queue.add(k);
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.spec.watches.map((w) => w.informer.start()));
    const n = this.spec.workers ?? 2;
    for (let i = 0; i < n; i++) this.workers.push(this.work());
    if (this.spec.resyncMs) {
      const first = this.spec.watches[0]?.informer;
      this.resync = setInterval(() => {
        for (const o of first?.list() ?? []) this.queue.add(objectKey(o));
      }, this.spec.resyncMs);
      this.resync.unref();
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const ctx: ReconcileContext = { signal: this.ac.signal, log: this.log, now: this.clock };
      try {
        this.reconciles++;
        const r = await this.spec.reconcile(ctx, key);
        this.queue.forget(key);
        if (r?.requeueAfterMs !== undefined) this.queue.addAfter(key, r.requeueAfterMs);
      } catch (e) {
        this.failures++;
        if (e instanceof TerminalError) {
          this.log.warn(`${this.spec.name}: ${key}: ${e.message}`, { reason: e.reason });
          this.queue.forget(key);
        } else if (!this.ac.signal.aborted) {
          const delay = this.queue.addRateLimited(key);
          this.log.warn(`${this.spec.name}: reconcile ${key} failed; retry in ${delay} ms: ${(e as Error).message}`);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }

  /** Stops taking work and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.ac.abort();
    this.queue.shutDown();
    await Promise.all(this.workers);
  }
}
