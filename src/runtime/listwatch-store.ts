// ListWatcher over the in-process Store (control-plane controllers read their own store directly).
import type { AnyResource, KindDef } from '../model/index.js';
import type { ListOptions, Store } from '../store/index.js';
import type { ChangeType, ListWatcher } from './informer.js';

export function storeSource(
  store: Store,
  kind: KindDef,
  opts: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'> = {},
): ListWatcher {
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
        for await (const ev of w) yield ev as { type: ChangeType | 'BOOKMARK'; object: AnyResource };
      } finally {
        signal.removeEventListener('abort', onAbort);
        w.close();
      }
    },
  };
}
