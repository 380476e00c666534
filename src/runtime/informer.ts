// Keeps a local cache of one kind in sync through list + watch and tells handlers what changed.
import type { AnyResource } from '../model/index.js';
import { Backoff, sleep, type BackoffConfig } from '../lib/index.js';
import { ApiError } from '../model/index.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Where an informer gets its data: the in-process store or a remote API. */
export interface ListWatcher {
  list(): Promise<{ items: AnyResource[]; resourceVersion: string }>;
  /** Yields events after `resourceVersion`; throws ApiError('Gone') when it is compacted. */
  watch(
    resourceVersion: string,
    signal: AbortSignal,
  ): AsyncIterable<{ type: ChangeType | 'BOOKMARK'; object: AnyResource }>;
}

export type Handler = (type: ChangeType, obj: AnyResource, old: AnyResource | undefined) => void;

export const objectKey = (o: AnyResource): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

export interface InformerOptions {
  /** Back-off between attempts after an error (default 200 ms doubling to 30 s, with jitter). */
  backoff?: BackoffConfig;
  onError?: (err: unknown) => void;
}

export class Informer {
  private readonly cache = new Map<string, AnyResource>();
  private readonly handlers: Handler[] = [];
  private revision = '0';
  private readonly ac = new AbortController();
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private running: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly source: ListWatcher,
    private readonly opts: InformerOptions = {},
  ) {}

  on(handler: Handler): void {
    this.handlers.push(handler);
    for (const o of this.cache.values()) handler('ADDED', o, undefined);
  }

  get(key: string): AnyResource | undefined {
    return this.cache.get(key);
  }

  list(): AnyResource[] {
    return [...this.cache.values()];
  }

  get lastResourceVersion(): string {
    return this.revision;
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.synced;
  }

  private emit(type: ChangeType, obj: AnyResource, old: AnyResource | undefined): void {
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
