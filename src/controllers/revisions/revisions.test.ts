// Revision controller against a real store: one revision per distinct spec, renumbering, no writes when settled, GC.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationKind,
  ControllerRevisionKind,
  DeploymentKind,
  NamespaceKind,
  revisionHash,
} from '../../model/index.js';
import { waitFor } from '../../lib/testing/index.js';
import { application, component, deployment, namespace } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { Manager } from '../../runtime/manager.js';
import { garbageCollector } from '../gc/gc.js';
import { revisionController, revisionName } from './revisions.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

const spec = (v: string) => ({ components: [component('web', { artifact: { command: 'node', args: [v] } })] });

async function world(): Promise<{ store: Store; m: Manager }> {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
  await store.create(NamespaceKind, namespace('team'));
  await store.create(ApplicationKind, { ...application('team', 'shop'), spec: spec('v1') });
  await store.create(DeploymentKind, deployment('team', 'shop'));
  const m = new Manager({ store });
  m.add(revisionController);
  m.add(garbageCollector);
  await m.start();
  stop = () => m.stop();
  return { store, m };
}

const revs = async (store: Store) =>
  (await store.list(ControllerRevisionKind, { namespace: 'team' })).items
    .map((r) => `${r.spec.revision}:${r.spec.applicationSpec.components[0].artifact.args?.[0]}`)
    .sort();

const setSpec = async (store: Store, v: string) => {
  const app = (await store.get(ApplicationKind, 'team', 'shop'))!;
  await store.update(ApplicationKind, { ...app, spec: spec(v) });
};

describe('revision controller', () => {
  it('records each distinct spec once, renumbers a spec seen before, and is quiet when settled', async () => {
    const { store, m } = await world();
    await waitFor(async () => (await revs(store)).join() === '1:v1', 'revision 1');
    const first = (await store.get(ControllerRevisionKind, 'team', revisionName('shop', revisionHash(spec('v1')))))!;
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'shop' });
    await setSpec(store, 'v2');
    await waitFor(async () => (await revs(store)).join() === '1:v1,2:v2', 'revision 2');
    await setSpec(store, 'v1');
    await waitFor(async () => (await revs(store)).join() === '2:v2,3:v1', 'v1 renumbered as 3');

    // Settled: reconciles caused by unrelated Deployment changes write nothing.
    const before = (await store.list(ControllerRevisionKind, { namespace: 'team' })).items.map(
      (r) => r.metadata.resourceVersion,
    );
    const reconciles = () => m.stats.find((s) => s.name === 'revisions')!.reconciles;
    const n0 = reconciles();
    for (let i = 0; i < 3; i++) {
      const d = (await store.get(DeploymentKind, 'team', 'shop'))!;
      await store.update(DeploymentKind, { ...d, metadata: { ...d.metadata, labels: { touch: String(i) } } });
    }
    await waitFor(() => reconciles() >= n0 + 1, 'reconciles of the touched deployment');
    const after = (await store.list(ControllerRevisionKind, { namespace: 'team' })).items.map(
      (r) => r.metadata.resourceVersion,
    );
    expect(after).toEqual(before);
  });

  it('revisions go with their Deployment', async () => {
    const { store } = await world();
    await waitFor(async () => (await revs(store)).length === 1, 'revision 1');
    await store.delete(DeploymentKind, 'team', 'shop');
    await waitFor(async () => (await revs(store)).length === 0, 'revisions garbage-collected');
  });
});
