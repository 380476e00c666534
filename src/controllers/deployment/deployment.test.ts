// Deployment controller against a real store with a simulated site agent: start order, failover, rolling update.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationKind,
  DeploymentKind,
  EventKind,
  NamespaceKind,
  ProviderKind,
  SiteKind,
  UserAreaKind,
  WorkloadKind,
  type Deployment,
  type Workload,
} from '../../model/index.js';
import { sleep, waitFor } from '../../lib/testing/index.js';
import { application, component, deployment, namespace, provider, site, userArea } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { Manager } from '../../runtime/manager.js';
import { namespaceAdmission } from '../namespace/namespace.js';
import { garbageCollector } from '../gc/gc.js';
import { deploymentController, type DeploymentControllerOptions } from './controller.js';

const SITES: Array<[string, string, number, number]> = [
  ['mad-a', 'ES', 40.42, -3.7],
  ['mad-b', 'ES', 40.45, -3.69],
  ['lis', 'PT', 38.72, -9.14],
  ['par', 'FR', 48.86, 2.35],
];

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

async function world(opts: DeploymentControllerOptions = {}): Promise<Store> {
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
  m.add(deploymentController({ progressRequeueMs: 100, ...opts }));
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

/** Ten deployments of an application no site can hold (900000 CPUs per replica). */
async function deployHuge(store: Store, n = 10): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `huge-${i}`;
    await store.create(
      ApplicationKind,
      application('default', name, {
        components: [component('web', { ports: [{ name: 'http' }], resources: { cpu: '900000', memory: '1Gi' } })],
      }),
    );
    await store.create(DeploymentKind, deployment('default', name));
    names.push(name);
  }
  return names;
}

const unplaceable = async (store: Store, names: string[]): Promise<boolean> => {
  for (const n of names) {
    const d = await store.get(DeploymentKind, 'default', n);
    if (!d?.status?.conditions?.some((c) => c.type === 'Placed' && c.reason === 'Unplaceable')) return false;
  }
  return true;
};

describe('impossible requests (issue 9)', () => {
  it('ten unplaceable deployments settle: no status or event writes while nothing changes', async () => {
    const store = await world();
    const names = await deployHuge(store);
    await waitFor(() => unplaceable(store, names), 'all ten to say Unplaceable');
    const d0 = await store.get(DeploymentKind, 'default', 'huge-0');
    const rev0 = await store.revision();
    // A window of several re-checks (1 s, 2 s, 4 s ... apart): every one finds the same facts.
    const windowMs = 8000;
    const t0 = Date.now();
    await sleep(windowMs);
    const writes = (await store.revision()) - rev0;
    const perSecond = writes / ((Date.now() - t0) / 1000);
    expect(perSecond).toBeLessThanOrEqual(1);
    const d1 = await store.get(DeploymentKind, 'default', 'huge-0');
    expect(d1?.metadata.resourceVersion).toBe(d0?.metadata.resourceVersion);
    expect(d1?.status?.placement?.decidedAt).toBe(d0?.status?.placement?.decidedAt);
    // The reason stays readable, on the object and as one aggregated Warning per deployment.
    expect(d1?.status?.placement?.explanation?.[0]?.summary).toMatch(/0\/4 sites/);
    const warnings = (await store.list(EventKind, { namespace: 'default' })).items.filter(
      (e) => e.spec.reason === 'Unplaceable',
    );
    expect(warnings).toHaveLength(10);
  });

  it('re-evaluates a stalled deployment at once when capacity appears, whatever its backoff', async () => {
    // A re-check backoff of ten minutes: only the watch on the Site can place it within the test.
    const store = await world({ stalledBackoff: { baseMs: 600_000, maxMs: 600_000 } });
    const names = await deployHuge(store, 2);
    await waitFor(() => unplaceable(store, names), 'both to say Unplaceable');
    await store.patch(SiteKind, undefined, 'mad-a', { spec: { capacity: { cpu: 2_000_000, memory: '16Gi' } } });
    await waitFor(async () => {
      for (const n of names)
        if ((await store.get(DeploymentKind, 'default', n))?.status?.phase !== 'Running') return false;
      return true;
    }, 'both to run on the enlarged site');
    expect(new Set((await wls(store)).map((w) => w.spec.siteName))).toEqual(new Set(['mad-a']));
  });

  it('a deployment without its application waits without rewriting its status, then starts when it appears', async () => {
    const store = await world({ stalledBackoff: { baseMs: 600_000, maxMs: 600_000 } });
    await store.create(DeploymentKind, deployment('default', 'early', {}));
    await waitFor(
      async () =>
        (await store.get(DeploymentKind, 'default', 'early'))?.status?.conditions?.[0]?.reason ===
        'ApplicationNotFound',
      'the deployment to report its missing application',
    );
    const rv = (await store.get(DeploymentKind, 'default', 'early'))?.metadata.resourceVersion;
    await store.create(
      ApplicationKind,
      application('default', 'early', { components: [component('web', { ports: [{ name: 'http' }] })] }),
    );
    await waitFor(
      async () => (await store.get(DeploymentKind, 'default', 'early'))?.status?.phase === 'Running',
      'the deployment to start once its application exists',
    );
    expect((await store.get(DeploymentKind, 'default', 'early'))?.metadata.resourceVersion).not.toBe(rv);
  });
});
