// Namespaces (tenants): creation admission, and a controller that empties a namespace before it goes.
import { ApiError, allKinds, NamespaceKind, type AnyResource, type KindDef } from '../../model/index.js';
import type { Admission, Store } from '../../store/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';

export const NAMESPACE_FINALIZER = 'continuum.eu/namespace';

/** Namespaced objects may only be created in an existing, non-terminating namespace; namespaces get the finalizer. */
export const namespaceAdmission: Admission = async (op, kind: KindDef, obj: AnyResource, _old, store: Store) => {
  if (op !== 'create') return;
  if (kind.kind === 'Namespace') {
    const f = obj.metadata.finalizers ?? [];
    if (!f.includes(NAMESPACE_FINALIZER)) obj.metadata.finalizers = [...f, NAMESPACE_FINALIZER];
    obj.status = { phase: 'Active' };
    return;
  }
  if (!kind.namespaced) return;
  const ns = await store.get(NamespaceKind, undefined, obj.metadata.namespace!);
  if (!ns)
    throw new ApiError(
      'NotFound',
      `namespace ${JSON.stringify(obj.metadata.namespace)} not found; create it first (continuum create namespace ${obj.metadata.namespace})`,
      [{ field: 'metadata.namespace', message: 'namespace does not exist' }],
    );
  if (ns.metadata.deletionTimestamp)
    throw new ApiError('Forbidden', `namespace ${obj.metadata.namespace} is being deleted`, [
      { field: 'metadata.namespace', message: 'terminating' },
    ]);
};

export function namespaceController(m: Manager): ControllerSpec {
  const store = m.opts.store;
  return {
    name: 'namespace',
    watches: [{ informer: m.informer(NamespaceKind) }],
    async reconcile(_ctx, name) {
      const ns = await store.get(NamespaceKind, undefined, name);
      if (!ns?.metadata.deletionTimestamp) return;
      if (ns.status?.phase !== 'Terminating')
        await store.updateStatus(NamespaceKind, { ...ns, status: { ...ns.status, phase: 'Terminating' } });
      let remaining = 0;
      for (const kind of allKinds().filter((k) => k.namespaced)) {
        const { items } = await store.list(kind, { namespace: name });
        remaining += items.length;
        for (const o of items) {
          if (o.metadata.deletionTimestamp) continue;
          await store.delete(kind, name, o.metadata.name).catch((e: unknown) => {
            if (!(e instanceof ApiError && e.code === 'NotFound')) throw e;
          });
        }
      }
      if (remaining > 0) return { requeueAfterMs: 500 };
      const fresh = await store.get(NamespaceKind, undefined, name);
      if (!fresh) return;
      await store.update(NamespaceKind, {
        ...fresh,
        metadata: {
          ...fresh.metadata,
          finalizers: (fresh.metadata.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER),
        },
      });
    },
  };
}
