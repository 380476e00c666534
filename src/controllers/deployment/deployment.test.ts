// Deployment controller against a real store with a simulated site agent: start order, failover, rolling update.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationKind,
  DeploymentKind,
  NamespaceKind,
  ProviderKind,
  SiteKind,
  UserAreaKind,
  WorkloadKind,
  type Deployment,
  type Workload,
} from '../../model/index.js';
import { waitFor } from '../../lib/testing/index.js';
import { application, component, deployment, namespace, provider, site, userArea } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { Manager } from '../../runtime/manager.js';
import { namespaceAdmission } from '../namespace/namespace.js';
import { garbageCollector } from '../gc/gc.js';
import { deploymentController } from './controller.js';

const SITES: Array<[string, string, number, number]> = [
  ['mad-a', 'ES', 40.42, -3.7],
  ['mad-b', 'ES', 40.45, -3.69],
  ['lis', 'PT', 38.72, -9.14],
  ['par', 'FR', 48.86, 2.35],
];

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

async function world(): Promise<Store> {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), {
    watchPollMs: 20,
    admission: [namespaceAdmission],
  });
  await store.create(NamespaceKind, namespace('default'));
  await store.create(ProviderKind, provider('p'));
  await store.create(
    UserAreaKind,
    userArea('madrid', { location: { country: 'ES', latitude: 40.42, longitude: -3.7 } }),
  );
  const now = new Date().toISOString();
  for (const [name, country, latitude, longitude] of SITES) {
    const s = await store.create(
      SiteKind,
      site(name, {
        provider: 'p',
        spec: { location: { country, latitude, longitude }, capacity: { cpu: 8, memory: '16Gi' } },
      }),
    );
    await store.updateStatus(SiteKind, {
      ...s,
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'AgentHeartbeat', lastTransitionTime: now }],
        lastHeartbeatTime: now,
      },
    });
  }
  const m = new Manager({ store });
  m.add(deploymentController({ progressRequeueMs: 100 }));
  m.add(garbageCollector);
  await m.start();
  // Simulated agents: every scheduled workload becomes Running and Ready on a fake port.
  let port = 20000;
  const agent = setInterval(() => {
    void (async () => {
      for (const w of (await store.list(WorkloadKind)).items) {
        if (w.status?.phase === 'Running') continue;
        const p = port++;
        await store
          .updateStatus(WorkloadKind, {
            ...w,
            status: {
              phase: 'Running',
              siteName: w.spec.siteName,
              host: '127.0.0.1',
              ports: { http: p },
              url: `http://127.0.0.1:${p}`,
              conditions: [{ type: 'Ready', status: 'True', reason: 'HealthCheckPassed' }],
            },
          })
          .catch(() => undefined);
      }
    })();
  }, 30);
  stop = async () => {
    clearInterval(agent);
    await m.stop();
    await store.close();
  };
  return store;
}

const tier = (name: string, to?: string) =>
  component(name, {
    ports: [{ name: 'http', ...(name === 'frontend' ? { expose: true } : {}) }],
    resources: { cpu: '500m', memory: '256Mi' },
    ...(to ? { connections: [{ to }] } : {}),
  });

async function deployShop(store: Store): Promise<void> {
  await store.create(
    ApplicationKind,
    application('default', 'shop', {
      components: [tier('frontend', 'api'), tier('api', 'store'), tier('store')],
      requirements: { jurisdiction: { allowedCountries: ['ES', 'PT'] } },
    }),
  );
  await store.create(DeploymentKind, deployment('default', 'shop', { areas: [{ area: 'madrid', replicas: 1 }] }));
}

const dep = async (store: Store): Promise<Deployment> => (await store.get(DeploymentKind, 'default', 'shop'))!;
const wls = async (store: Store): Promise<Workload[]> =>
  (await store.list(WorkloadKind, { namespace: 'default' })).items;

describe('deployment controller', () => {
  it("creates workloads in connection order with peers' URLs and reports endpoints", async () => {
    const store = await world();
    await deployShop(store);
    await waitFor(async () => (await dep(store)).status?.phase === 'Running', 'shop Running');
    const all = await wls(store);
    expect(all).toHaveLength(3);
    const by = (c: string) => all.find((w) => w.spec.component === c)!;
    expect(Date.parse(by('store').metadata.creationTimestamp)).toBeLessThanOrEqual(
      Date.parse(by('api').metadata.creationTimestamp),
    );
    expect(by('api').spec.env).toContainEqual({ name: 'STORE_URL', value: by('store').status?.url });
    expect(by('frontend').spec.env).toContainEqual({ name: 'API_URL', value: by('api').status?.url });
    for (const w of all) expect(['ES', 'PT']).toContain(SITES.find((s) => s[0] === w.spec.siteName)![1]);
    const d = await dep(store);
    expect(d.status?.endpoints).toEqual([
      expect.objectContaining({ component: 'frontend', url: by('frontend').status?.url }),
    ]);
    expect(d.status?.placement?.assignments).toHaveLength(3);
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
  });

  it('re-places workloads of a NotReady site and removes the stale copies', async () => {
    const store = await world();
    await deployShop(store);
    await waitFor(async () => (await dep(store)).status?.phase === 'Running', 'shop Running');
    const storeWl = (await wls(store)).find((w) => w.spec.component === 'store')!;
    const site = (await store.get(SiteKind, undefined, storeWl.spec.siteName!))!;
    await store.updateStatus(SiteKind, {
      ...site,
      status: {
        ...site.status,
        conditions: [
          { type: 'Ready', status: 'False', reason: 'HeartbeatTimeout', lastTransitionTime: new Date().toISOString() },
        ],
      },
    });
    await waitFor(async () => {
      const all = await wls(store);
      const d = await dep(store);
      return (
        d.status?.phase === 'Running' &&
        all.length === 3 &&
        all.every((w) => w.spec.siteName !== site.metadata.name || w.spec.component !== 'store') &&
        !all.some((w) => w.metadata.name === storeWl.metadata.name)
      );
    }, 'the store to fail over');
    const after = await wls(store);
    expect(after.find((w) => w.spec.component === 'api')!.spec.env).toContainEqual({
      name: 'STORE_URL',
      value: after.find((w) => w.spec.component === 'store')!.status?.url,
    });
  });

  it('rolls a spec change through one replica at a time, never removing a peer still called, and reports unplaceable requirements', async () => {
    const store = await world();
    await deployShop(store);
    await waitFor(async () => (await dep(store)).status?.phase === 'Running', 'shop Running');
    const before = new Set((await wls(store)).map((w) => w.metadata.name));
    const app = (await store.get(ApplicationKind, 'default', 'shop'))!;
    await store.update(ApplicationKind, {
      ...app,
      spec: {
        ...app.spec,
        components: app.spec.components.map((c: any) =>
          c.name === 'store' ? { ...c, env: [{ name: 'MODE', value: 'v2' }] } : c,
        ),
      },
    });
    const dangling: string[] = [];
    await waitFor(async () => {
      const all = await wls(store);
      // No live workload may call a peer URL that no live workload answers on (a request through it would fail).
      const live = all.filter((w) => !w.metadata.deletionTimestamp);
      const urls = new Set(live.map((w) => w.status?.url).filter(Boolean));
      for (const w of live)
        for (const e of w.spec.env ?? [])
          if (e.value?.startsWith('http://') && !urls.has(e.value)) dangling.push(`${w.metadata.name} ${e.name}`);
      return (
        (await dep(store)).status?.phase === 'Running' &&
        all.length === 3 &&
        all.every((w) => !before.has(w.metadata.name))
      );
    }, 'every workload to be replaced');
    expect(dangling, 'workloads calling a removed peer during the roll').toEqual([]);
    await store.patch(ApplicationKind, 'default', 'shop', {
      spec: { requirements: { jurisdiction: { allowedCountries: ['SE'] } } },
    });
    await store.patch(DeploymentKind, 'default', 'shop', { spec: { overrides: { store: { replicas: 2 } } } });
    await waitFor(
      async () =>
        (await dep(store)).status?.conditions?.some((c: any) => c.type === 'Placed' && c.reason === 'Unplaceable'),
      'the Placed condition to say Unplaceable',
    );
    const d = await dep(store);
    expect(d.status?.placement?.explanation?.find((e) => e.component === 'store')?.summary).toMatch(/0\/4 sites/);
  });
});

describe('events', () => {
  it('records what the controller did on the Deployment', async () => {
    const store = await world();
    await deployShop(store);
    await waitFor(async () => (await dep(store)).status?.phase === 'Running', 'shop Running');
    const { EventKind } = await import('../../model/index.js');
    const evs = (await store.list(EventKind, { namespace: 'default' })).items;
    expect(evs.map((e) => e.spec.reason)).toContain('Scheduled');
    expect(evs.every((e) => e.spec.involvedObject.kind === 'Deployment')).toBe(true);
  });
});
