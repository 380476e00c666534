// Garbage collector: deletes objects whose every owner (ownerReferences) is gone (background cascading).
import { allKinds, kindByName, type AnyResource, type KindDef } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import { objectKey, type ChangeType } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';

const keyOf = (kind: string, o: AnyResource): string => `${kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
type OwnerRef = NonNullable<AnyResource['metadata']['ownerReferences']>[number];

async function ownerAlive(store: Store, dependent: AnyResource, ref: OwnerRef): Promise<boolean> {
  const kind = kindByName(ref.kind);
  if (!kind) return false;
  const owner = await store.get(kind, kind.namespaced ? dependent.metadata.namespace : undefined, ref.name);
  return !!owner && owner.metadata.uid === ref.uid;
}

/**
 * The owner → dependents index. Invariant: it holds exactly the edges of live objects in the caches — an edge is
 * removed when its dependent drops the reference or is deleted, and an owner's entry when it has no dependents
 * left or is itself deleted — so its size follows the live objects, never the history.
 */
export class DependentsIndex {
  private readonly byOwner = new Map<string, Set<string>>();

  /** Records a change of `obj` (under `key`) and returns the keys to look at. */
  update(key: string, obj: AnyResource, old: AnyResource | undefined, type: ChangeType): string[] {
    const refs = type === 'DELETED' ? [] : (obj.metadata.ownerReferences ?? []);
    const keep = new Set(refs.map((r) => r.uid));
    for (const r of [...(old?.metadata.ownerReferences ?? []), ...(obj.metadata.ownerReferences ?? [])])
      if (!keep.has(r.uid)) this.unlink(r.uid, key);
    for (const r of refs) {
      let s = this.byOwner.get(r.uid);
      if (!s) this.byOwner.set(r.uid, (s = new Set()));
      s.add(key);
    }
    const keys = refs.length ? [key] : [];
    // When an owner changes (e.g. is deleted), its dependents need a look.
    for (const d of this.byOwner.get(obj.metadata.uid) ?? []) keys.push(d);
    if (type === 'DELETED') this.byOwner.delete(obj.metadata.uid);
    return keys;
  }

  private unlink(owner: string, key: string): void {
    const s = this.byOwner.get(owner);
    if (!s) return;
    s.delete(key);
    if (!s.size) this.byOwner.delete(owner);
  }

  /** Owners with at least one dependent, and edges in all. */
  get size(): { owners: number; edges: number } {
    let edges = 0;
    for (const s of this.byOwner.values()) edges += s.size;
    return { owners: this.byOwner.size, edges };
  }
}

export function garbageCollector(m: Manager): ControllerSpec {
  const store = m.opts.store;
  const kinds = allKinds().filter((k) => k.kind !== 'Event' && k.kind !== 'Lease');
  const index = new DependentsIndex();
  // Metadata-only caches: the collector needs owner references, never content (no decrypted Secret is cached).
  const informers = new Map(kinds.map((k) => [k.kind, m.informer(k, { metadataOnly: true })]));
  const watches = kinds.map((k: KindDef) => ({
    informer: informers.get(k.kind)!,
    map: (obj: AnyResource, old: AnyResource | undefined, type: ChangeType): string[] =>
      index.update(keyOf(k.kind, obj), obj, old, type),
  }));
  return {
    name: 'garbage-collector',
    watches,
    workers: 2,
    async reconcile(ctx, key) {
      const [kindName, ns, name] = key.split('|');
      const kind = kindByName(kindName)!;
      const cached = informers
        .get(kindName)
        ?.get(objectKey({ metadata: { namespace: ns || undefined, name } } as AnyResource));
      // A live read (the cache may lag); an object that cannot be decoded is judged by its cached metadata.
      const obj = await store.get(kind, ns || undefined, name).catch((e: unknown) => {
        if (cached && (e as { status?: number }).status === 500) return cached;
        throw e;
      });
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
