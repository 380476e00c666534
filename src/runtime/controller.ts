// A controller: watches feed keys into a rate-limited queue; workers run a level-triggered reconcile per key.
import { backoffDelay, silentLogger, type BackoffConfig, type Logger } from '../lib/index.js';
import { metrics, secondsSince } from '../lib/metrics/index.js';
import { inSpan, writeTrace } from '../lib/tracing/index.js';
import type { AnyResource } from '../model/index.js';
import type { Informer } from './informer.js';
import { objectKey, type ChangeType } from './informer.js';
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
  /**
   * The reconcile could not make progress (unplaceable, waiting on a partner): re-check after the key's next
   * step of `ControllerSpec.stalledBackoff` (the earlier of that and `requeueAfterMs`). The steps grow while the
   * key stays stalled and restart once a reconcile is not stalled. A change of a watched input still queues the
   * key at once, so the backoff only bounds how often nothing-changed is re-checked.
   */
  stalled?: boolean;
}

/** Re-check policy of stalled keys: 1 s doubling to 5 min, 10 % jitter. */
export const DEFAULT_STALLED_BACKOFF: BackoffConfig = { baseMs: 1000, maxMs: 300_000, jitter: 0.1 };

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
  /** Re-check policy of keys whose reconcile reported `stalled` (default DEFAULT_STALLED_BACKOFF). */
  stalledBackoff?: BackoffConfig;
  /** Periodic full resync of every key (ms). */
  resyncMs?: number;
  /** Releases what the controller holds besides its queue (timers), once its workers stopped. */
  stop?(): void | Promise<void>;
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly ac = new AbortController();
  private workers: Promise<void>[] = [];
  private resync: NodeJS.Timeout | undefined;
  /** Consecutive stalled reconciles per key. */
  private readonly stalls = new Map<string, number>();
  /** Trace context of the API write that queued a key (taken by its next reconcile). */
  private readonly traces = new Map<string, string>();
  reconciles = 0;
  failures = 0;

  constructor(
    readonly spec: ControllerSpec,
    private readonly log: Logger = silentLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.queue = new WorkQueue(spec.backoff, spec.name);
    // Error series exist from the start (at 0), so rate() and alerts see them before the first failure.
    for (const kind of ['transient', 'terminal']) metrics.reconcileErrors.inc({ controller: spec.name, kind }, 0);
    for (const w of spec.watches) {
      w.informer.on((type, obj, old) => {
        const tp = writeTrace(obj.kind, obj.metadata.namespace, obj.metadata.name, obj.metadata.resourceVersion);
        for (const k of w.map ? w.map(obj, old, type) : [objectKey(obj)]) {
          if (tp) this.traces.set(k, tp);
          this.queue.add(k);
        }
      });
    }
  }

  /** Consecutive stalled reconciles of `key` (0 when its last reconcile made progress). */
  stalledCount(key: string): number {
    return this.stalls.get(key) ?? 0;
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
        const started = performance.now();
        const tp = this.traces.get(key);
        this.traces.delete(key);
        const attrs = { 'continuum.controller': this.spec.name, 'continuum.key': key };
        const r = await inSpan(`reconcile ${this.spec.name}`, tp, attrs, () => this.spec.reconcile(ctx, key)).finally(
          () => metrics.reconcileDuration.observe({ controller: this.spec.name }, secondsSince(started)),
        );
        this.queue.forget(key);
        let after = r?.requeueAfterMs;
        if (r?.stalled) {
          const n = this.stalls.get(key) ?? 0;
          this.stalls.set(key, n + 1);
          const delay = backoffDelay(n, this.spec.stalledBackoff ?? DEFAULT_STALLED_BACKOFF);
          after = after === undefined ? delay : Math.min(after, delay);
        } else this.stalls.delete(key);
        if (after !== undefined) this.queue.addAfter(key, after);
      } catch (e) {
        this.failures++;
        const kind = e instanceof TerminalError ? 'terminal' : 'transient';
        if (!this.ac.signal.aborted) metrics.reconcileErrors.inc({ controller: this.spec.name, kind });
        if (e instanceof TerminalError) {
          this.log.warn(`${this.spec.name}: ${key}: ${e.message}`, { reason: e.reason });
          this.queue.forget(key);
          this.stalls.delete(key);
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
    await this.spec.stop?.();
  }
}
