// A de-duplicating work queue with per-key exponential backoff (Kubernetes client-go semantics).
import { backoffDelay, type BackoffConfig } from '../lib/index.js';
import { metrics } from '../lib/metrics/index.js';

const DEFAULT_BACKOFF: BackoffConfig = { baseMs: 50, maxMs: 60_000, jitter: 0.1 };

/**
 * Invariants: a key is never processed by two workers at once; a key added while being processed is
 * processed again after `done`; a key queued several times is processed once.
 */
export class WorkQueue {
  private queue: string[] = [];
  private dirty = new Set<string>();
  private processing = new Set<string>();
  private failures = new Map<string, number>();
  /** Pending delayed adds: the timer and the absolute time it fires. */
  private timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  private waiters: Array<(k: string | undefined) => void> = [];
  private shuttingDown = false;
  /** When each queued key entered the queue (for the queue-latency histogram). */
  private enqueuedAt = new Map<string, number>();

  constructor(
    private readonly backoff: BackoffConfig = DEFAULT_BACKOFF,
    /** Controller name: the `controller` label of the work-queue metrics. */
    private readonly name = 'unnamed',
  ) {}

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      metrics.workQueueLatency.observe({ controller: this.name }, 0);
      w(key);
    } else {
      this.queue.push(key);
      this.enqueuedAt.set(key, performance.now());
      metrics.workQueueDepth.inc({ controller: this.name });
    }
  }

  /**
   * Adds after a delay. A key has at most one pending delayed add, and it is the earliest one asked for: a
   * shorter delay replaces a later pending one, a longer one is dropped.
   */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.cancelDelayed(key);
      return this.add(key);
    }
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, { timer, at });
  }

  private cancelDelayed(key: string): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing.timer);
    this.timers.delete(key);
  }

  /** Whether a delayed add is pending for the key. */
  hasDelayed(key: string): boolean {
    return this.timers.has(key);
  }

  /** Re-adds after the key's next backoff step. */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = backoffDelay(n, this.backoff);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the key's backoff (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Next key to process, or undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.taken(key);
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private taken(key: string): void {
    const at = this.enqueuedAt.get(key);
    this.enqueuedAt.delete(key);
    metrics.workQueueDepth.dec({ controller: this.name });
    if (at !== undefined) metrics.workQueueLatency.observe({ controller: this.name }, (performance.now() - at) / 1000);
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  get length(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.processing.size;
  }

  shutDown(): void {
    if (!this.shuttingDown && this.queue.length)
      metrics.workQueueDepth.dec({ controller: this.name }, this.queue.length);
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
