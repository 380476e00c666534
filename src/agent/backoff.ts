// Exponential back-off with a cap, and an abortable sleep, shared by every retry loop of the agent.

export interface BackoffConfig {
  /** First delay (default 100 ms). */
  minMs?: number;
  /** Cap (default 5 s). */
  maxMs?: number;
}

/** Doubles from minMs up to maxMs; `reset()` after a success. */
export class Backoff {
  private current: number;
  readonly minMs: number;
  readonly maxMs: number;
  constructor(cfg: BackoffConfig = {}) {
    this.minMs = Math.max(1, cfg.minMs ?? 100);
    this.maxMs = Math.max(this.minMs, cfg.maxMs ?? 5000);
    this.current = this.minMs;
  }
  next(): number {
    const d = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return d;
  }
  reset(): void {
    this.current = this.minMs;
  }
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
