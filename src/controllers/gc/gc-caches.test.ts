// The garbage collector's memory: a bounded dependents index, metadata-only caches, and undecryptable Secrets.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import { API_VERSION, NamespaceKind, SiteKind, type AnyResource } from '../../model/index.js';
import { namespace, site } from '../../model/testing/index.js';
import { Manager } from '../../runtime/manager.js';
import { SecretCodec, SecretKeyring, SecretKind, installCodec } from '../../security/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { DependentsIndex, garbageCollector } from './gc.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const obj = (name: string, uid: string, owners: string[] = []): AnyResource =>
  ({
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: {
      name,
      uid,
      ownerReferences: owners.map((o) => ({ apiVersion: API_VERSION, kind: 'Site', name: o, uid: o })),
    },
  }) as AnyResource;

const secret = (name: string, password: string) => ({
  apiVersion: API_VERSION,
  kind: 'Secret' as const,
  metadata: { name, namespace: 'acme' },
  spec: { stringData: { password } },
});

describe('dependents index', () => {
  it.each([
    { name: 'dependents deleted', drop: 'dependents' as const },
    { name: 'owners deleted first', drop: 'owners' as const },
    { name: 'references removed by update', drop: 'refs' as const },
  ])('returns to empty after churn: $name', ({ drop }) => {
    const idx = new DependentsIndex();
    for (let round = 0; round < 50; round++) {
      const owners = Array.from({ length: 20 }, (_, i) => `o-${round}-${i}`);
      const deps = owners.map((o, i) => obj(`d-${round}-${i}`, `u-${round}-${i}`, [o, owners[(i + 1) % 20]]));
      for (const o of owners) idx.update(`Site||${o}`, obj(o, o), undefined, 'ADDED');
      for (const d of deps) idx.update(`Workload||${d.metadata.name}`, d, undefined, 'ADDED');
      expect(idx.size.edges).toBe(40);
      if (drop === 'owners') {
        const looks = owners.flatMap((o) => idx.update(`Site||${o}`, obj(o, o), obj(o, o), 'DELETED'));
        // Each dependent gets a look when one of its owners goes.
        expect(new Set(looks).size).toBe(20);
      }
      for (const d of deps) {
        const key = `Workload||${d.metadata.name}`;
        if (drop === 'refs') idx.update(key, obj(d.metadata.name, d.metadata.uid!), d, 'MODIFIED');
        else idx.update(key, d, d, 'DELETED');
      }
      if (drop !== 'owners') for (const o of owners) idx.update(`Site||${o}`, obj(o, o), obj(o, o), 'DELETED');
      expect(idx.size).toEqual({ owners: 0, edges: 0 });
    }
  });
});

describe('garbage collector caches', () => {
  async function setup(): Promise<{ store: Store; m: Manager; keyring: SecretKeyring }> {
    const store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
    const keyring = SecretKeyring.ephemeral();
    installCodec(store, 'Secret', new SecretCodec(keyring));
    await store.create(NamespaceKind, namespace('acme'));
    const m = new Manager({ store });
    m.add(garbageCollector);
    stop = async () => {
      await m.stop();
      await store.close();
    };
    return { store, m, keyring };
  }

  it('holds metadata only: no Secret plaintext, no spec of any kind', async () => {
    const { store, m } = await setup();
    await store.create(SecretKind, secret('db', 'hunter2-plaintext'));
    await store.create(SiteKind, site('edge-1'));
    await m.start();
    const secrets = m.informer(SecretKind, { metadataOnly: true });
    const sites = m.informer(SiteKind, { metadataOnly: true });
    await waitFor(() => secrets.list().length === 1 && sites.list().length === 1, 'the caches to sync');
    const cached = JSON.stringify([...secrets.list(), ...sites.list()]);
    expect(cached).not.toContain('hunter2');
    expect(secrets.list()[0]).toEqual({
      apiVersion: API_VERSION,
      kind: 'Secret',
      metadata: expect.objectContaining({ name: 'db' }),
    });
    expect(sites.list()[0]).not.toHaveProperty('spec');
  });

  it('one undecryptable Secret: the list answers the others, the broken one says why, reading it fails clearly', async () => {
    const { store, m, keyring } = await setup();
    const oldKid = keyring.primaryKid;
    await store.create(SecretKind, secret('lost', 'under-the-old-key'));
    keyring.rotate();
    await store.create(SecretKind, secret('fine', 'under-the-new-key'));
    keyring.retire(oldKid); // as if the old key had been lost
    const before = store.decodeFailures;
    const list = await store.list(SecretKind, { namespace: 'acme' });
    expect(list.items.map((s) => s.metadata.name)).toEqual(['fine', 'lost']);
    expect(JSON.stringify(list.items[0])).toContain(Buffer.from('under-the-new-key').toString('base64'));
    expect(list.items[1]).not.toHaveProperty('spec');
    expect(list.items[1].status).toMatchObject({
      conditions: [
        { type: 'Decoded', status: 'False', reason: 'DecodeFailed', message: expect.stringContaining(oldKid) },
      ],
    });
    expect(store.decodeFailures).toBeGreaterThan(before);
    await expect(store.get(SecretKind, 'acme', 'lost')).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/Secret acme\/lost is encrypted with key .* no longer available/),
    });
    // The collector's informers sync despite it (a broken object does not stop a relist).
    await m.start();
    const cache = m.informer(SecretKind, { metadataOnly: true });
    await waitFor(() => cache.list().length === 2, 'the Secret cache to sync with the broken Secret in it');
  });
});
