// Server-side apply: create the object, or update its spec and user metadata, as one idempotent call.
import { ApiError, type KindDef, type Resource, type ResourceInput } from '../model/index.js';
import { jsonEqual } from './merge-patch.js';
import type { Store, WriteOptions } from './store.js';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

const RETRIES = 8;

/**
 * Creates `input` when absent, else replaces spec and the user metadata it names (labels, annotations,
 * finalizers and ownerReferences it omits are kept). Nothing changes — and no revision is spent — when the
 * stored object already matches. Without a resourceVersion in `input`, lost races are retried.
 */
export async function applyObject<S, T>(
  store: Store,
  kind: KindDef<S, T>,
  input: ResourceInput<NoInfer<S>, NoInfer<T>>,
  opts: WriteOptions = {},
): Promise<{ object: Resource<S, T>; result: ApplyResult }> {
  for (let i = 0; i < RETRIES; i++) {
    const cur = await store.get(kind, input.metadata.namespace, input.metadata.name);
    if (!cur) {
      try {
        const { resourceVersion: _rv, ...meta } = input.metadata;
        const object = await store.create(kind, { ...input, metadata: meta, status: undefined }, opts);
        return { object, result: 'created' };
      } catch (e) {
        if (e instanceof ApiError && e.code === 'AlreadyExists') continue;
        throw e;
      }
    }
    const before = cur.metadata.resourceVersion;
    const m = input.metadata;
    const merged: ResourceInput<S, T> = {
      ...input,
      metadata: {
        ...m,
        labels: m.labels ?? cur.metadata.labels,
        annotations: m.annotations ?? cur.metadata.annotations,
        finalizers: m.finalizers ?? cur.metadata.finalizers,
        ownerReferences: m.ownerReferences ?? cur.metadata.ownerReferences,
        resourceVersion: m.resourceVersion ?? before,
      },
    };
    try {
      const object = await store.update(kind, merged, opts);
      // A dry run spends no revision: what changed is what differs from the stored object.
      const same = opts.dryRun ? jsonEqual(object, cur) : object.metadata.resourceVersion === before;
      return { object, result: same ? 'unchanged' : 'configured' };
    } catch (e) {
      if (e instanceof ApiError && e.code === 'Conflict' && !m.resourceVersion) continue;
      throw e;
    }
  }
  throw new ApiError('Conflict', 'too many concurrent writers; retry');
}
