// Garbage collector: deletes objects whose every owner (ownerReferences) is gone (background cascading).
import { allKinds, kindByName, type AnyResource, type KindDef } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';

const keyOf = (kind: string, o: AnyResource): string => `${kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

async function ownerAlive(
  store: Store,
  dependent: AnyResource,
  ref: NonNullable<AnyResource['metadata']['ownerReferences']>[number],
): Promise<boolean> {
  const kind = kindByName(ref.kind);
  if (!kind) return false;
  const owner = await store.get(kind, kind.namespaced ? dependent.metadata.namespace : undefined, ref.name);
  return !!owner && owner.metadata.uid === ref.uid;
}

export function garbageCollector(m: Manager): ControllerSpec {
  const store = m.opts.store;
  const kinds = allKinds().filter((k) => k.kind !== 'Event' && k.kind !== 'Lease');
  /** owner uid → keys of dependents */
  const dependents = new Map<string, Set<string>>();
  const watches = kinds.map((k: KindDef) => ({
    informer: m.informer(k),
    map: (obj: AnyResource, old: AnyResource | undefined): string[] => {
      const key = keyOf(k.kind, obj);
      for (const r of old?.metadata.ownerReferences ?? []) dependents.get(r.uid)?.delete(key);
      const refs = obj.metadata.ownerReferences ?? [];
      for (const r of refs) {
        let s = dependents.get(r.uid);
        if (!s) dependents.set(r.uid, (s = new Set()));
        s.add(key);
      }
      const keys = refs.length ? [key] : [];
      // When an owner changes (e.g. is deleted), its dependents need a look.
      for (const d of dependents.get(obj.metadata.uid) ?? []) keys.push(d);
      return keys;
    },
  }));
  return {
    name: 'garbage-collector',
    watches,
    workers: 2,
    async reconcile(ctx, key) {
      const [kindName, ns, name] = key.split('|');
      const kind = kindByName(kindName)!;
      const obj = await store.get(kind, ns || undefined, name);
      const refs = obj?.metadata.ownerReferences ?? [];
      if (!obj || refs.length === 0 || obj.metadata.deletionTimestamp) return;
      for (const r of refs) if (await ownerAlive(store, obj, r)) return;
      ctx.log.info(`garbage collector: deleting ${kindName} ${ns ? `${ns}/` : ''}${name}: owners gone`);
      try {
        await store.delete(kind, ns || undefined, name, { preconditions: { uid: obj.metadata.uid } });
      } catch (e) {
        if ((e as { code?: string }).code !== 'NotFound') throw e;
      }
    },
  };
}
