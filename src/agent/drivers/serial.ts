// Shared driver plumbing: per-workload serialisation of operations and de-duplicated state notifications.
import type { RunState } from './driver.js';

/** Runs operations one at a time per key (ensure/remove of one workload never overlap); keys are dropped when idle. */
export class KeyedLock {
  private readonly locks = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.locks.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return next;
  }

  /** Resolves when every operation queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.locks.values()]);
  }
}

/** Tells listeners about a workload's state only when it differs from what they were last told. */
export class StateNotifier {
  private readonly listeners = new Set<(s: RunState) => void>();
  private readonly last = new Map<string, string>();

  constructor(private readonly warn: (msg: string) => void) {}

  subscribe(listener: (s: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(s: RunState): void {
    const key = JSON.stringify(s);
    if (this.last.get(s.id) === key) return;
    this.last.set(s.id, key);
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (e) {
        this.warn(`onChange listener threw: ${(e as Error).message}`);
      }
    }
  }

  /** Forgets a removed workload (a later one with the same id is told everything again). */
  forget(id: string): void {
    this.last.delete(id);
  }

  clear(): void {
    this.listeners.clear();
  }
}
