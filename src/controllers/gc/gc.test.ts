// Garbage collection of dependents and namespace teardown.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import { API_VERSION, NamespaceKind, SiteKind, WorkloadKind } from '../../model/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { namespace, site, workload } from '../../model/testing/index.js';
import { Manager } from '../../runtime/manager.js';
import { namespaceAdmission, namespaceController } from '../namespace/namespace.js';
import { garbageCollector } from './gc.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

async function setup(): Promise<Store> {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), {
    watchPollMs: 20,
    admission: [namespaceAdmission],
  });
  const m = new Manager({ store });
  m.add(garbageCollector);
  m.add(namespaceController);
  await m.start();
  stop = async () => {
    await m.stop();
    await store.close();
  };
  return store;
}

describe('garbage collector', () => {
  it('deletes dependents whose owner is gone, keeps those with a live owner', async () => {
    const store = await setup();
    await store.create(NamespaceKind, namespace('t1'));
    const owner = await store.create(SiteKind, site('owner'));
    const other = await store.create(SiteKind, site('other'));
    const ref = (o: typeof owner) => ({
      apiVersion: API_VERSION,
      kind: 'Site',
      name: o.metadata.name,
      uid: o.metadata.uid,
    });
    await store.create(WorkloadKind, {
      ...workload('t1', 'dep'),
      metadata: { name: 'dep', namespace: 't1', ownerReferences: [ref(owner)] },
    });
    await store.create(WorkloadKind, {
      ...workload('t1', 'both'),
      metadata: { name: 'both', namespace: 't1', ownerReferences: [ref(owner), ref(other)] },
    });
    await store.delete(SiteKind, undefined, 'owner');
    await waitFor(async () => !(await store.get(WorkloadKind, 't1', 'dep')), 'the orphaned workload to be deleted');
    expect(await store.get(WorkloadKind, 't1', 'both')).toMatchObject({ metadata: { name: 'both' } });
    // It was kept for its live owner: once that one goes too, so does it.
    await store.delete(SiteKind, undefined, 'other');
    await waitFor(async () => !(await store.get(WorkloadKind, 't1', 'both')), 'the workload of two dead owners to go');
  });

  it('rejects objects in missing namespaces and empties a namespace before deleting it', async () => {
    const store = await setup();
    await expect(store.create(WorkloadKind, workload('nope', 'w'))).rejects.toMatchObject({ code: 'NotFound' });
    await store.create(NamespaceKind, namespace('t2'));
    await store.create(WorkloadKind, workload('t2', 'w1'));
    await store.create(WorkloadKind, workload('t2', 'w2'));
    await store.delete(NamespaceKind, undefined, 't2');
    await expect(store.create(WorkloadKind, workload('t2', 'w3'))).rejects.toMatchObject({ code: 'Forbidden' });
    await waitFor(async () => !(await store.get(NamespaceKind, undefined, 't2')), 'namespace t2 to be deleted');
    expect((await store.list(WorkloadKind, { namespace: 't2' })).items).toHaveLength(0);
  });
});
