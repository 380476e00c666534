// ListWatcher over the in-process Store (control-plane controllers read their own store directly).
import type { AnyResource, KindDef, Resource } from '../model/index.js';
import type { ListOptions, Store } from '../store/index.js';
import type { ListWatcher, SourceEvent } from './informer.js';

/** The object reduced to what identifies it (for metadata-only caches). */
export function metadataOnly<R extends AnyResource>(o: R): R {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata } as R;
}

export function storeSource<S, T>(
  store: Store,
  kind: KindDef<S, T>,
  opts: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'> & { metadataOnly?: boolean } = {},
): ListWatcher<Resource<S, T>> {
  const { metadataOnly: slim, ...query } = opts;
  const shape = slim ? metadataOnly : <R>(o: R): R => o;
  return {
    async list() {
      const r = await store.list(kind, query);
      return { items: r.items.map(shape), resourceVersion: r.resourceVersion };
    },
    async *watch(resourceVersion: string, signal: AbortSignal) {
      const w = await store.watch(kind, { ...query, resourceVersion });
      const onAbort = (): void => w.close();
      signal.addEventListener('abort', onAbort);
      try {
        for await (const ev of w)
          yield (ev.type === 'BOOKMARK' ? ev : { ...ev, object: shape(ev.object) }) satisfies SourceEvent<
            Resource<S, T>
          >;
      } finally {
        signal.removeEventListener('abort', onAbort);
        w.close();
      }
    },
  };
}
