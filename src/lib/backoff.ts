// Exponential back-off with a cap and optional jitter, and an abortable sleep: the one retry policy of the code base.

export interface BackoffConfig {
  /** First delay (default 100 ms). */
  baseMs?: number;
  /** Cap (default 5 s). */
  maxMs?: number;
  /**
   * Fraction of each delay drawn at random and removed (0 = none, default; 0.5 = delays uniform in [d/2, d]),
   * so that many clients failing together do not retry in lock-step.
   */
  jitter?: number;
}

/**
 * Delay before retry number `attempt` (0-based): baseMs·2^attempt capped at maxMs, minus the jitter share.
 * Pure given `random`; never below 1 ms and never above maxMs.
 */
export function backoffDelay(attempt: number, cfg: BackoffConfig = {}, random: () => number = Math.random): number {
  const base = Math.max(1, cfg.baseMs ?? 100);
  const max = Math.max(base, cfg.maxMs ?? 5000);
  const d = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 40));
  const jitter = Math.min(1, Math.max(0, cfg.jitter ?? 0));
  return Math.max(1, Math.round(d * (1 - jitter * random())));
}

/** Stateful back-off: `next()` returns the delay for the next retry and advances; `reset()` after a success. */
export class Backoff {
  private n = 0;
  constructor(
    readonly cfg: BackoffConfig = {},
    private readonly random: () => number = Math.random,
  ) {}
  next(): number {
    return backoffDelay(this.n++, this.cfg, this.random);
  }
  reset(): void {
    this.n = 0;
  }
  /** Retries since the last reset. */
  get attempts(): number {
    return this.n;
  }
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. The timer never keeps the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    t.unref?.();
    signal?.addEventListener('abort', done, { once: true });
  });
}
