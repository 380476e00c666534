// Deployment controller on the bundled topology: spread over providers holds across areas, failover and rolling updates.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationKind,
  DeploymentKind,
  kindByName,
  NamespaceKind,
  SiteKind,
  WorkloadKind,
  type Deployment,
  type Workload,
} from '../../model/index.js';
import { waitFor } from '../../lib/testing/index.js';
import { application, component, deployment, namespace } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { Manager } from '../../runtime/manager.js';
import { loadTopology } from '../../topology/index.js';
import { namespaceAdmission } from '../namespace/namespace.js';
import { garbageCollector } from '../gc/gc.js';
import { deploymentController } from './controller.js';
import { LABEL_SLOT } from './template.js';

const topo = loadTopology();
const providerOf = new Map(topo.sites.map((s) => [s.metadata.name, s.spec.provider]));
let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

const readyStatus = (status: 'True' | 'False') => ({
  conditions: [{ type: 'Ready', status, reason: 'AgentHeartbeat', lastTransitionTime: new Date().toISOString() }],
  lastHeartbeatTime: new Date().toISOString(),
});

/** A store with the bundled topology, every site Ready, the deployment controller and a simulated agent. */
async function world(): Promise<Store> {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), {
    watchPollMs: 20,
    admission: [namespaceAdmission],
  });
  await store.create(NamespaceKind, namespace('default'));
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites]) await store.apply(kindByName(obj.kind)!, obj);
  for (const s of (await store.list(SiteKind)).items)
    await store.updateStatus(SiteKind, { ...s, status: readyStatus('True') });
  const m = new Manager({ store });
  m.add(deploymentController({ progressRequeueMs: 100 }));
  m.add(garbageCollector);
  await m.start();
  let port = 21000;
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
              ports: { media: p },
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

const dep = async (store: Store): Promise<Deployment> => (await store.get(DeploymentKind, 'default', 'vc'))!;
const live = async (store: Store): Promise<Workload[]> =>
  (await store.list(WorkloadKind, { namespace: 'default' })).items.filter((w) => !w.metadata.deletionTimestamp);

/** One workload per slot (the newest), as the deployment converges to. */
const providersBySlot = (ws: Workload[]): Map<string, string> =>
  new Map(ws.map((w) => [w.metadata.labels![LABEL_SLOT], providerOf.get(w.spec.siteName!)!]));

async function deployVc(store: Store): Promise<void> {
  await store.create(
    ApplicationKind,
    application('default', 'vc', {
      components: [component('sfu', { ports: [{ name: 'media', expose: true }] })],
      requirements: {
        jurisdiction: { euOnly: true },
        spread: { sites: true, providers: true },
        latency: [
          { area: 'zurich', maxMs: 15 },
          { area: 'london', maxMs: 15 },
        ],
      },
    }),
  );
  await store.create(
    DeploymentKind,
    deployment('default', 'vc', {
      areas: [
        { area: 'zurich', replicas: 2 },
        { area: 'london', replicas: 2 },
      ],
    }),
  );
}

const running = async (store: Store, n: number): Promise<boolean> =>
  (await dep(store)).status?.phase === 'Running' && (await live(store)).length === n;

describe('deployment controller keeps spread over every replica', () => {
  it('places Zurich ×2 + London ×2 at four providers, and keeps it through failover and a rolling update', async () => {
    const store = await world();
    await deployVc(store);
    await waitFor(() => running(store, 4), 'vc Running with 4 workloads', 30_000);
    let ws = await live(store);
    expect(new Set(providersBySlot(ws).values()).size).toBe(4);
    expect((await dep(store)).status?.conditions?.find((c) => c.type === 'Placed')?.status).toBe('True');

    // Failover: a London site goes NotReady; its replacement must avoid the three providers that stay.
    const londonWl = ws.find((w) => w.spec.siteName === 'hexa-paris-metro' || w.spec.siteName === 'hexa-brussels-near');
    const lost = londonWl?.spec.siteName ?? ws[0].spec.siteName!;
    const s = (await store.get(SiteKind, undefined, lost))!;
    await store.updateStatus(SiteKind, { ...s, status: readyStatus('False') });
    await waitFor(
      async () => (await running(store, 4)) && (await live(store)).every((w) => w.spec.siteName !== lost),
      'failover off the lost site',
      30_000,
    );
    ws = await live(store);
    expect(new Set(providersBySlot(ws).values()).size).toBe(4);

    // Rolling update: every replica replaced, one at a time; the result still spans four providers.
    const before = new Set(ws.map((w) => w.metadata.name));
    await store.patch(ApplicationKind, 'default', 'vc', {
      spec: {
        components: [component('sfu', { ports: [{ name: 'media', expose: true }], env: [{ name: 'V', value: '2' }] })],
      },
    });
    await waitFor(
      async () => (await running(store, 4)) && (await live(store)).every((w) => !before.has(w.metadata.name)),
      'every workload replaced',
      30_000,
    );
    ws = await live(store);
    expect(new Set(providersBySlot(ws).values()).size).toBe(4);
    expect(new Set(ws.map((w) => w.spec.siteName)).size).toBe(4);
  });
});
