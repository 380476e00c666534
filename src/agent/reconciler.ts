// Level-triggered reconciliation of the workloads bound to this site against what the driver runs.
import type { Logger } from '../lib/index.js';
import { activeTraceparent, inSpan } from '../lib/tracing/index.js';
import type { Workload } from '../model/index.js';
import type { RunState, RuntimeDriver } from './drivers/driver.js';
import { RuntimeUnavailableError } from './drivers/set.js';
import type { StatusItem } from './status-writer.js';
import { toRunSpec, workloadId } from './workload-spec.js';

/** A driver's refusal may carry a machine-readable reason (e.g. CommandNotFound); StartFailed otherwise. */
const startReason = (e: unknown): { reason?: string } => {
  const reason = (e as { reason?: unknown }).reason;
  return typeof reason === 'string' ? { reason } : {};
};

export interface ReconcilerOptions {
  site: string;
  /** Routes by runtime kind; refuses a kind it does not offer with RuntimeUnavailableError (reported as such). */
  driver: RuntimeDriver;
  /** The informer's cached workloads (may include other sites' objects defensively filtered out here). */
  cached: () => Workload[];
  /** False until the informer synced at least once in this process: until then nothing is removed. */
  synced: () => boolean;
  report: (item: StatusItem) => void;
  artifactBaseDir?: string;
  /** Env with secret references resolved by the control plane (called only for workloads that have some). */
  resolveEnv?: (w: Workload) => Promise<Array<{ name: string; value: string }>>;
  /** The trace the control plane sent with this workload's revision (its action span joins it). */
  traceOf?: (w: Workload) => string | undefined;
  log: Logger;
}

/**
 * desired = cached workloads of this site without deletionTimestamp; actual = driver.list().
 * Every desired workload is ensured (idempotent on uid + generation, so unchanged workloads are never
 * restarted) and every actual one not desired is removed, but only once the informer has synced.
 * Operations run concurrently, at most one per workload; a finished one triggers another pass.
 */
export class Reconciler {
  private dirty = false;
  private running?: Promise<void>;
  private readonly inflight = new Map<string, Promise<void>>();
  /** uid:generation of specs that failed to start, not retried until the spec changes or `retryFailed()`. */
  private readonly failed = new Map<string, string>();
  private closed = false;

  constructor(private readonly o: ReconcilerOptions) {}

  /** Requests a pass (coalesced). */
  kick(): void {
    if (this.closed) return;
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.dirty) this.kick();
    });
  }

  /** Lets specs that failed to start be tried again on the next pass. */
  retryFailed(): void {
    this.failed.clear();
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      try {
        this.pass();
      } catch (e) {
        this.o.log.error(`reconcile failed: ${(e as Error).message}`);
      }
      await Promise.resolve();
    }
  }

  private desired(): Map<string, Workload> {
    const out = new Map<string, Workload>();
    for (const w of this.o.cached()) {
      if (w.spec?.siteName !== this.o.site || w.metadata.deletionTimestamp) continue;
      out.set(workloadId(w), w);
    }
    return out;
  }

  private run(id: string, op: () => Promise<void>): void {
    if (this.inflight.has(id)) return;
    const p = op()
      .catch((e: unknown) => this.o.log.error(`workload ${id}: ${(e as Error).message}`))
      .finally(() => {
        this.inflight.delete(id);
        this.kick();
      });
    this.inflight.set(id, p);
  }

  private pass(): void {
    const { driver, site } = this.o;
    const desired = this.desired();
    for (const [id, w] of desired) {
      const cur = driver.get(id);
      if (cur && cur.uid === w.metadata.uid && cur.generation === w.metadata.generation && !cur.envPending) {
        this.o.report({ id, uid: cur.uid, run: { state: cur } });
        continue;
      }
      const key = `${w.metadata.uid}:${w.metadata.generation}`;
      if (this.failed.get(id) === key) continue;
      const attrs = { 'continuum.site': site, 'continuum.workload': id };
      this.run(id, () => inSpan('agent ensure', this.o.traceOf?.(w), attrs, () => this.ensure(id, key, w)));
    }
    if (!this.o.synced()) return;
    for (const s of driver.list()) {
      if (desired.has(s.id)) continue;
      this.failed.delete(s.id);
      this.run(s.id, () => this.remove(s));
    }
  }

  /** Starts or updates one workload and reports the outcome (inside the action's span, whose trace it carries). */
  private async ensure(id: string, key: string, w: Workload): Promise<void> {
    const { driver, site } = this.o;
    const traceparent = activeTraceparent();
    const tp = traceparent ? { traceparent } : {};
    this.o.log.debug?.(`ensuring workload ${id} (generation ${w.metadata.generation})`);
    try {
      const refs = (w.spec?.env ?? []).some((e) => e.valueFrom !== undefined);
      const resolvedEnv = refs && this.o.resolveEnv ? await this.o.resolveEnv(w) : undefined;
      const state = await driver.ensure(toRunSpec(w, { site, artifactBaseDir: this.o.artifactBaseDir, resolvedEnv }));
      this.failed.delete(id);
      this.o.report({ id, uid: state.uid, run: { state }, ...tp });
    } catch (e) {
      this.failed.set(id, key);
      this.o.log.warn(`cannot start workload ${id}: ${(e as Error).message}`);
      const run =
        e instanceof RuntimeUnavailableError
          ? { error: e.message, reason: 'RuntimeUnavailable' }
          : { error: `cannot start: ${(e as Error).message}`, ...startReason(e) };
      this.o.report({ id, uid: w.metadata.uid, run, ...tp });
    }
  }

  private async remove(s: RunState): Promise<void> {
    this.o.log.info(`stopping workload ${s.id}: no longer bound to site ${this.o.site}`);
    await this.o.driver.remove(s.id);
  }

  /** Stops scheduling passes and waits for running operations. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await Promise.allSettled([...this.inflight.values()]);
  }
}
