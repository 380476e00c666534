// ListWatcher over the in-process Store (control-plane controllers read their own store directly).
import type { KindDef, Resource } from '../model/index.js';
import type { ListOptions, Store } from '../store/index.js';
import type { ListWatcher, SourceEvent } from './informer.js';

export function storeSource<S, T>(
  store: Store,
  kind: KindDef<S, T>,
  opts: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'> = {},
): ListWatcher<Resource<S, T>> {
  return {
    async list() {
      const r = await store.list(kind, opts);
      return { items: r.items, resourceVersion: r.resourceVersion };
    },
    async *watch(resourceVersion: string, signal: AbortSignal) {
      const w = await store.watch(kind, { ...opts, resourceVersion });
      const onAbort = (): void => w.close();
      signal.addEventListener('abort', onAbort);
      try {
        for await (const ev of w) yield ev satisfies SourceEvent<Resource<S, T>>;
      } finally {
        signal.removeEventListener('abort', onAbort);
        w.close();
      }
    },
  };
}
