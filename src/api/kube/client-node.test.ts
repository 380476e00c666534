// @kubernetes/client-node 1.4 against a TLS control plane: CRUD, merge and JSON patch, Watch and an informer.
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import { hasTool, startKubeEnv, type KubeEnv } from '../testing/kube-env.js';

const GROUP = 'continuum.eu';
const VERSION = 'v1alpha1';
let env: KubeEnv;
let kc: KubeConfig;

const site = (name: string, cpu = 4): KubernetesObject & { spec: unknown } => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'Site',
  metadata: { name },
  spec: {
    provider: 'p',
    category: 'far-edge',
    location: { country: 'DE', latitude: 50.1, longitude: 8.7 },
    capacity: { cpu, memory: '8Gi' },
  },
});

type SiteObj = KubernetesObject & { spec: { capacity: { cpu: number } } };

describe.skipIf(!hasTool('openssl', ['version']))('@kubernetes/client-node against Continuum', () => {
  beforeAll(async () => {
    env = await startKubeEnv();
    kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig);
  }, 30_000);
  afterAll(() => env?.stop());

  it('CRUD through KubernetesObjectApi (discovery maps Site to sites), merge patch and JSON patch', async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    const created = await api.create(site('cn-1'));
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const read = (await api.read({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Site',
      metadata: { name: 'cn-1' },
    })) as SiteObj;
    expect(read.spec.capacity.cpu).toBe(4);
    const merged = (await api.patch(
      { apiVersion: `${GROUP}/${VERSION}`, kind: 'Site', metadata: { name: 'cn-1', labels: { tier: 'edge' } } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    )) as unknown as SiteObj;
    expect(merged.metadata?.labels).toEqual({ tier: 'edge' });

    const custom = kc.makeApiClient(CustomObjectsApi);
    const patched = (await custom.patchClusterCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: 'sites',
        name: 'cn-1',
        body: [
          { op: 'test', path: '/spec/capacity/cpu', value: 4 },
          { op: 'replace', path: '/spec/capacity/cpu', value: 8 },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as SiteObj;
    expect(patched.spec.capacity.cpu).toBe(8);
    // A failing test op changes nothing and is a 422 the client raises.
    await expect(
      custom.patchClusterCustomObject(
        {
          group: GROUP,
          version: VERSION,
          plural: 'sites',
          name: 'cn-1',
          body: [{ op: 'test', path: '/spec/capacity/cpu', value: 4 }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    ).rejects.toMatchObject({ code: 422 });

    const list = await api.list(`${GROUP}/${VERSION}`, 'Site');
    expect(list.items.map((i) => i.metadata?.name)).toContain('cn-1');
    await api.delete({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Site', metadata: { name: 'cn-1' } });
    await expect(
      api.read({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Site', metadata: { name: 'cn-1' } }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('server-side apply: managedFields per manager, 409 naming the owner, force takes ownership', async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    const apply = (o: KubernetesObject, manager: string, force = false) =>
      api.patch(o, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
    const a = (await apply(site('cn-ssa'), 'alice')) as SiteObj;
    expect(a.metadata?.managedFields).toMatchObject([
      { manager: 'alice', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:provider': {} } } },
    ]);
    const bob = { ...site('cn-ssa', 6), spec: { capacity: { cpu: 6 } } };
    const err = (await apply(bob, 'bob').then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; body: string };
    expect(err.code).toBe(409);
    const status = JSON.parse(err.body) as { reason: string; message: string; details: { causes: object[] } };
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain('conflict with "alice": .spec.capacity.cpu');
    expect(status.details.causes).toEqual([
      expect.objectContaining({ reason: 'FieldManagerConflict', field: '.spec.capacity.cpu' }),
    ]);
    const forced = (await apply(bob, 'bob', true)) as SiteObj;
    expect(forced.spec.capacity.cpu).toBe(6);
    const owners = Object.fromEntries(
      (forced.metadata?.managedFields ?? []).map((e) => [e.manager, JSON.stringify(e.fieldsV1)]),
    );
    expect(owners.bob).toContain('"f:cpu"');
    expect(owners.alice).not.toContain('"f:cpu"');
    expect(owners.alice).toContain('"f:provider"');
    await api.delete(site('cn-ssa'));
    // Ownership is the server's record: managedFields a client sends are not stored, so they claim nothing.
    const forged = site('cn-forged');
    forged.metadata!.managedFields = [
      { manager: 'mallory', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:capacity': {} } } },
    ];
    expect((await api.create(forged)).metadata?.managedFields).toBeUndefined();
    expect(((await apply(site('cn-forged', 2), 'alice')) as SiteObj).spec.capacity.cpu).toBe(2);
    await api.delete(site('cn-forged'));
  });

  it('Watch receives ADDED, MODIFIED and DELETED as newline-delimited JSON', async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    const seen: string[] = [];
    const w = await new Watch(kc).watch(
      `/apis/${GROUP}/${VERSION}/sites`,
      {},
      (type, obj: KubernetesObject) => {
        if (obj.metadata?.name === 'cn-w') seen.push(type);
      },
      () => {},
    );
    try {
      // watch() resolves once the response headers are in, sent after the server registered the watch.
      await api.create(site('cn-w'));
      await api.patch(site('cn-w', 6), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
      await api.delete(site('cn-w'));
      await waitFor(() => seen.includes('DELETED'), 'the DELETED event', 20_000);
      expect(seen).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      w.abort();
    }
  });

  it('an informer lists, then sees ADDED, MODIFIED and DELETED', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const api = KubernetesObjectApi.makeApiClient(kc);
    await api.create(site('cn-before'));
    const informer = makeInformer<SiteObj>(kc, `/apis/${GROUP}/${VERSION}/sites`, async () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'sites' }),
    );
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add:${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update:${o.metadata?.name}:${o.spec.capacity.cpu}`));
    informer.on('delete', (o) => events.push(`delete:${o.metadata?.name}`));
    await informer.start();
    try {
      await waitFor(() => events.includes('add:cn-before'), 'the listed object', 20_000);
      await api.create(site('cn-i'));
      await waitFor(() => events.includes('add:cn-i'), 'ADDED', 20_000);
      await api.patch(site('cn-i', 2), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
      await waitFor(() => events.includes('update:cn-i:2'), 'MODIFIED', 20_000);
      await api.delete(site('cn-i'));
      await waitFor(() => events.includes('delete:cn-i'), 'DELETED', 20_000);
      expect(informer.get('cn-before')?.metadata?.name).toBe('cn-before');
      expect(informer.get('cn-i')).toBeUndefined();
    } finally {
      await informer.stop();
    }
  }, 60_000);
});
