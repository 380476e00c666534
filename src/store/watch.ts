// Fan-out of committed events to watchers: resumable from any retained revision, in order, exactly once.
import type { AnyResource } from '../model/index.js';
import { ApiError } from '../model/index.js';
import { RevisionCompacted, type Backend, type StoredEvent } from './backend.js';
import { matchesFields, matchesLabels, type Selector } from './selectors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
/**
 * One change; `R` is the object type of the watched kind (`AnyResource` when watching every kind). A BOOKMARK's
 * object carries only `metadata.resourceVersion`.
 */
export interface WatchEvent<R extends AnyResource = AnyResource> {
  type: WatchEventType;
  object: R;
}

export interface WatchFilter {
  /** Storage resource key; undefined watches every kind. */
  resource?: string;
  namespace?: string;
  labels: Selector;
  fields: Selector;
  /** Extra predicate on the decoded object. */
  filter?: (obj: AnyResource) => boolean;
}

/** A stream of events. Iterating throws ApiError('Gone') when the watcher fell behind compaction. */
export interface Watch<R extends AnyResource = AnyResource> extends AsyncIterable<WatchEvent<R>> {
  close(): void;
  readonly closed: boolean;
}

const MAX_QUEUE = 50_000;
const BATCH = 1000;

class Watcher implements Watch {
  closed = false;
  /** While catching up from history, live events are buffered here. */
  catchingUp = true;
  buffer: StoredEvent[] = [];
  private queue: WatchEvent[] = [];
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly filter: WatchFilter,
    public lastRevision: number,
    private readonly onClose: (w: Watcher) => void,
    private readonly decode: (o: AnyResource) => AnyResource,
  ) {}

  matches(ev: StoredEvent): boolean {
    const f = this.filter;
    if (f.resource !== undefined && ev.key.resource !== f.resource) return false;
    if (f.namespace !== undefined && ev.key.namespace !== f.namespace) return false;
    return matchesLabels(ev.object, f.labels) && matchesFields(ev.object, f.fields);
  }

  /** Delivers one committed event (dropped when already seen or filtered out). */
  deliver(ev: StoredEvent): void {
    if (this.closed || ev.revision <= this.lastRevision) return;
    this.lastRevision = ev.revision;
    if (!this.matches(ev)) return;
    const object = this.decode(ev.object);
    if (this.filter.filter && !this.filter.filter(object)) return;
    this.push({ type: ev.type, object });
  }

  push(ev: WatchEvent): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUE) {
      this.fail(new ApiError('Gone', 'watcher fell too far behind; relist and watch again'));
      return;
    }
    this.queue.push(ev);
    this.wake?.();
  }

  fail(err: Error): void {
    if (this.closed) return;
    this.error = err;
    this.wake?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.onClose(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      for (;;) {
        const ev = this.queue.shift();
        if (ev) {
          yield ev;
          continue;
        }
        if (this.error) throw this.error;
        if (this.closed) return;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
      }
    } finally {
      this.close();
    }
  }
}

/** One per Store: pulls new events from the backend and hands them to every matching watcher. */
export class WatchHub {
  private watchers = new Set<Watcher>();
  private pumpRevision = 0;
  private pumping: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private started: Promise<void> | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly decode: (o: AnyResource) => AnyResource,
    private readonly opts: { pollMs?: number; bookmarkMs?: number } = {},
  ) {}

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.pumpRevision = await this.backend.revision();
      this.unsubscribe = this.backend.onChange(() => this.kick());
      const poll = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
      poll.unref();
      const bookmark = setInterval(() => this.bookmarks(), this.opts.bookmarkMs ?? 15_000);
      bookmark.unref();
      this.timers.push(poll, bookmark);
    })().catch((e: unknown) => {
      // A failed start (e.g. a dropped database connection) is retried by the next watch.
      this.started = undefined;
      throw e;
    });
    return this.started;
  }

  /** Requests a pump; coalesces concurrent requests. */
  kick(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    // A pump that fails outside its own handling is retried by the next kick (the poll at the latest).
    this.pumping = this.pump()
      .catch(() => undefined)
      .finally(() => {
        this.pumping = undefined;
        if (this.again) this.kick();
      });
  }

  private async pump(): Promise<void> {
    this.again = false;
    for (;;) {
      let evs: StoredEvent[];
      try {
        evs = await this.backend.events(this.pumpRevision, BATCH);
      } catch (e) {
        if (e instanceof RevisionCompacted) {
          for (const w of this.watchers) w.fail(new ApiError('Gone', e.message));
          this.pumpRevision = await this.backend.revision();
          return;
        }
        // Transient backend failure (e.g. a dropped connection): watchers stay open; the next poll retries.
        return;
      }
      for (const ev of evs) {
        for (const w of this.watchers) {
          if (w.catchingUp) w.buffer.push(ev);
          else w.deliver(ev);
        }
        this.pumpRevision = ev.revision;
      }
      if (evs.length < BATCH) return;
    }
  }

  private bookmarks(): void {
    for (const w of this.watchers) {
      if (w.catchingUp || w.closed) continue;
      w.push({
        type: 'BOOKMARK',
        object: {
          apiVersion: '',
          kind: '',
          metadata: { name: '', resourceVersion: String(Math.max(w.lastRevision, this.pumpRevision)) },
        } as AnyResource,
      });
      w.lastRevision = Math.max(w.lastRevision, this.pumpRevision);
    }
  }

  /**
   * Watches events with revision > `from`. `initial` events (a consistent listing at `from`) are
   * delivered first. Throws ApiError('Gone') when `from` is compacted.
   */
  async watch(filter: WatchFilter, from: number, initial: WatchEvent[] = []): Promise<Watch> {
    await this.start();
    const w = new Watcher(filter, from, (x) => this.watchers.delete(x), this.decode);
    for (const ev of initial) w.push(ev);
    this.watchers.add(w);
    try {
      // Catch up from history until we reach the live position, then switch to live delivery.
      for (;;) {
        const target = this.pumpRevision;
        if (w.lastRevision >= target) break;
        const evs = await this.backend.events(w.lastRevision, BATCH);
        if (evs.length === 0) break;
        for (const ev of evs) w.deliver(ev);
      }
    } catch (e) {
      this.watchers.delete(w);
      if (e instanceof RevisionCompacted)
        throw new ApiError('Gone', `too old resource version: ${from} (${e.message})`);
      throw e;
    }
    for (const ev of w.buffer) w.deliver(ev);
    w.buffer = [];
    w.catchingUp = false;
    this.kick();
    return w;
  }

  get size(): number {
    return this.watchers.size;
  }

  close(): void {
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    for (const w of [...this.watchers]) w.close();
  }
}
