// Writes workload statuses: coalesced per workload (latest wins), diffed against the stored object, retried, held while offline.
import type { ContinuumClient } from '../client/index.js';
import { inSpan } from '../lib/tracing/index.js';
import type { Logger } from '../lib/index.js';
import { isApiError, WorkloadKind, type Workload } from '../model/index.js';
import { Backoff, sleep, type BackoffConfig } from '../lib/index.js';
import type { Connection } from '../runtime/index.js';
import { mergeDiff } from './merge-diff.js';
import { workloadStatus, type RunReport } from './workload-spec.js';

/** What to report for one workload: its run state, or why it could not be started. */
export interface StatusItem {
  id: string;
  /** The workload incarnation the report is about; reports for another uid are dropped. */
  uid: string;
  run: RunReport;
  /** The trace of the action the report is about: the status write joins it. */
  traceparent?: string;
}

export interface StatusWriterOptions {
  site: string;
  api: () => ContinuumClient;
  conn: Connection;
  /** The informer's cached object for a workload id. */
  cached: (id: string) => Workload | undefined;
  /** Resolves after the informer's first sync (nothing is written before: there is no base to diff against). */
  synced: Promise<void>;
  clock: () => Date;
  log: Logger;
  backoff?: BackoffConfig;
}

const rv = (o: Workload | undefined): number => (o ? Number(o.metadata.resourceVersion) : -1);

/**
 * Invariants: at most one pending report per workload (the latest); a write is skipped when the
 * computed status equals the stored one; every write carries the base resourceVersion as a
 * precondition, so the diff is always against what is really stored (Conflict → re-read, retry).
 */
export class StatusWriter {
  private readonly pending = new Map<string, StatusItem>();
  private readonly written = new Map<string, Workload>();
  private readonly backoff: Backoff;
  private notify?: () => void;
  private closed = false;
  private isSynced = false;
  private busy = false;
  private readonly loop: Promise<void>;

  constructor(private readonly o: StatusWriterOptions) {
    this.backoff = new Backoff(o.backoff);
    this.loop = this.run();
  }

  /** Queues a report, replacing any older one for the same workload. */
  enqueue(item: StatusItem): void {
    const before = this.pending.get(item.id);
    this.pending.delete(item.id);
    // A later report replaces an earlier one, but keeps its trace (the write reports both).
    const traceparent = item.traceparent ?? (before?.uid === item.uid ? before.traceparent : undefined);
    this.pending.set(item.id, traceparent ? { ...item, traceparent } : item);
    this.notify?.();
  }

  /** Reports waiting to be written (e.g. while offline). */
  get backlog(): number {
    return this.pending.size;
  }

  /** Forgets what was written for workloads no longer cached (`keep` false). */
  prune(keep: (id: string) => boolean): void {
    for (const id of [...this.written.keys()]) if (!keep(id)) this.written.delete(id);
  }

  /** Waits until nothing is pending or being written, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.size || this.busy) && Date.now() < deadline && this.o.conn.online)
      await new Promise((r) => setTimeout(r, 20));
  }

  private wake(): Promise<void> {
    if (this.pending.size || this.closed) return Promise.resolve();
    return new Promise((r) => (this.notify = r));
  }

  private async run(): Promise<void> {
    const signal = this.o.conn.signal;
    while (!this.closed) {
      await this.wake();
      this.notify = undefined;
      if (this.closed) break;
      try {
        await this.o.conn.whenOnline(signal);
        if (!this.isSynced) {
          await Promise.race([
            this.o.synced,
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
            ),
          ]);
          this.isSynced = true;
        }
      } catch {
        break;
      }
      const first = this.pending.entries().next();
      if (first.done) continue;
      const [id, item] = first.value;
      this.pending.delete(id);
      this.busy = true;
      try {
        const attrs = { 'continuum.site': this.o.site, 'continuum.workload': id };
        await (item.traceparent
          ? inSpan('agent status', item.traceparent, attrs, () => this.write(item))
          : this.write(item));
        this.backoff.reset();
      } catch (e) {
        if (isApiError(e, 'Invalid')) {
          this.o.log.error(`status of workload ${id} rejected: ${(e as Error).message}`);
          continue;
        }
        if (!this.pending.has(id)) this.pending.set(id, item);
        if (!this.o.conn.fail(e)) {
          this.o.log.warn(`writing status of workload ${id} failed: ${(e as Error).message}`);
          // Rate limited: the bucket refills within a second, so do not let the back-off grow.
          await sleep(isApiError(e, 'TooManyRequests') ? 1000 : this.backoff.next(), signal);
        }
      } finally {
        this.busy = false;
      }
    }
  }

  private base(id: string): Workload | undefined {
    const a = this.o.cached(id);
    const b = this.written.get(id);
    return rv(b) > rv(a) && b?.metadata.uid === a?.metadata.uid ? b : a;
  }

  private async write(item: StatusItem): Promise<void> {
    let base = this.base(item.id);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!base || base.metadata.uid !== item.uid) return;
      const status = workloadStatus(base, this.o.site, this.o.clock().toISOString(), item.run);
      const diff = mergeDiff(base.status ?? {}, status);
      if (diff === undefined) return;
      const { namespace, name, resourceVersion } = base.metadata;
      try {
        const out = await this.o
          .api()
          .patch(WorkloadKind, namespace, name, { metadata: { resourceVersion }, status: diff }, 'status');
        this.written.set(item.id, out);
        return;
      } catch (e) {
        if (isApiError(e, 'NotFound')) return;
        if (!isApiError(e, 'Conflict')) throw e;
        base = await this.o.api().tryGet(WorkloadKind, namespace, name);
        if (base) this.written.set(item.id, base);
      }
    }
    throw new Error('status kept conflicting with concurrent writers');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify?.();
    await this.loop;
  }
}
