// Keeps a local cache of one kind in sync through list + watch and tells handlers what changed.
import type { AnyResource } from '../model/index.js';
import { Backoff, sleep, type BackoffConfig } from '../lib/index.js';
import { ApiError } from '../model/index.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One event of a source; a BOOKMARK's object carries only metadata.resourceVersion. */
export interface SourceEvent<R extends AnyResource = AnyResource> {
  type: ChangeType | 'BOOKMARK';
  object: R;
}

/** Where an informer gets its data: the in-process store or a remote API. `R` is the kind's object type. */
export interface ListWatcher<R extends AnyResource = AnyResource> {
  list(): Promise<{ items: R[]; resourceVersion: string }>;
  /** Yields events after `resourceVersion`; throws ApiError('Gone') when it is compacted. */
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<SourceEvent<R>>;
}

/**
 * Told about every change of an informer's objects. Declared in method form, which TypeScript checks
 * bivariantly, so that an `Informer<Site>` is also an `Informer<AnyResource>` (a controller watching several
 * kinds holds them side by side); an informer only ever calls its handlers with its own objects.
 */
export type Handler<R extends AnyResource = AnyResource> = {
  handle(type: ChangeType, obj: R, old: R | undefined): void;
}['handle'];

export const objectKey = (o: AnyResource): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

export interface InformerOptions {
  /** Back-off between attempts after an error (default 200 ms doubling to 30 s, with jitter). */
  backoff?: BackoffConfig;
  onError?: (err: unknown) => void;
}

/** A cache of the objects of one kind (`R`: its object type, e.g. `Informer<Site>`), kept current by list + watch. */
export class Informer<R extends AnyResource = AnyResource> {
  private readonly cache = new Map<string, R>();
  private readonly handlers: Handler<R>[] = [];
  private revision = '0';
  private readonly ac = new AbortController();
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private running: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly source: ListWatcher<R>,
    private readonly opts: InformerOptions = {},
  ) {}

  on(handler: Handler<R>): void {
    this.handlers.push(handler);
    for (const o of this.cache.values()) handler('ADDED', o, undefined);
  }

  get(key: string): R | undefined {
    return this.cache.get(key);
  }

  list(): R[] {
    return [...this.cache.values()];
  }

  get lastResourceVersion(): string {
    return this.revision;
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.synced;
  }

  private emit(type: ChangeType, obj: R, old: R | undefined): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (e) {
        this.opts.onError?.(e);
      }
    }
  }

  /** Replaces the cache with a fresh listing, emitting the differences. */
  private async relist(): Promise<void> {
    const page = await this.source.list();
    const seen = new Set<string>();
    for (const o of page.items) {
      const k = objectKey(o);
      seen.add(k);
      const old = this.cache.get(k);
      this.cache.set(k, o);
      if (!old) this.emit('ADDED', o, undefined);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.emit('MODIFIED', o, old);
    }
    for (const [k, old] of [...this.cache]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.emit('DELETED', old, old);
      }
    }
    this.revision = page.resourceVersion;
    this.syncedResolve();
  }

  /**
   * List once, then watch from the listed revision; a 410 Gone relists at once, any other failure waits
   * for the next back-off step (reset by every event received), so a broken source is not hammered.
   */
  private async run(): Promise<void> {
    let needList = true;
    const backoff = new Backoff({ baseMs: 200, maxMs: 30_000, jitter: 0.3, ...this.opts.backoff });
    while (!this.ac.signal.aborted) {
      let failed = false;
      try {
        if (needList) await this.relist();
        needList = false;
        for await (const ev of this.source.watch(this.revision, this.ac.signal)) {
          backoff.reset();
          if (ev.type === 'BOOKMARK') {
            this.revision = ev.object.metadata.resourceVersion;
            continue;
          }
          const o = ev.object;
          const k = objectKey(o);
          const old = this.cache.get(k);
          if (ev.type === 'DELETED') this.cache.delete(k);
          else this.cache.set(k, o);
          this.revision = o.metadata.resourceVersion;
          this.emit(ev.type === 'DELETED' ? 'DELETED' : old ? 'MODIFIED' : 'ADDED', o, old);
        }
      } catch (e) {
        if (this.ac.signal.aborted) break;
        if (e instanceof ApiError && e.code === 'Gone') needList = true;
        else {
          failed = true;
          this.opts.onError?.(e);
        }
      }
      if (this.ac.signal.aborted) break;
      await sleep(failed ? backoff.next() : 0, this.ac.signal);
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.running?.catch(() => undefined);
  }
}
