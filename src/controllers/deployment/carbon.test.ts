// Carbon-aware timing: placement reads the forecast over the run's window; a deferrable run waits for the greenest.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationKind,
  DeploymentKind,
  NamespaceKind,
  ProviderKind,
  SiteKind,
  WorkloadKind,
  type Deployment,
} from '../../model/index.js';
import { waitFor } from '../../lib/testing/index.js';
import { application, component, deployment, namespace, provider, site } from '../../model/testing/index.js';
import { Store, SqliteBackend } from '../../store/index.js';
import { Manager } from '../../runtime/manager.js';
import { IntensitySeries } from '../../sustainability/index.js';
import { deploymentController } from './controller.js';

const H = 3_600_000;
const T0 = Math.floor(Date.now() / H) * H + 10 * 60_000; // ten past a full hour
let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

/** Hourly series from the hour of T0: ES dirty now and clean for four hours from the next; PT steady between. */
const zones = new Map([
  [
    'ES',
    new IntensitySeries(
      [300, 40, 40, 40, 40, 300].map((value, i) => ({ time: T0 - 600_000 + i * H, durationS: 3600, value })),
    ),
  ],
  [
    'PT',
    new IntensitySeries(
      [150, 150, 150, 150, 150, 150].map((value, i) => ({ time: T0 - 600_000 + i * H, durationS: 3600, value })),
    ),
  ],
]);

async function world(clock: () => Date): Promise<Store> {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
  await store.create(NamespaceKind, namespace('default'));
  await store.create(ProviderKind, provider('p'));
  for (const [name, country, latitude, longitude] of [
    ['mad', 'ES', 40.42, -3.7],
    ['lis', 'PT', 38.72, -9.14],
  ] as const) {
    const s = await store.create(
      SiteKind,
      site(name, {
        provider: 'p',
        spec: { location: { country, latitude, longitude }, capacity: { cpu: 8, memory: '16Gi' } },
      }),
    );
    const at = new Date(T0).toISOString();
    await store.updateStatus(SiteKind, {
      ...s,
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'AgentHeartbeat', lastTransitionTime: at }] },
    });
  }
  const m = new Manager({ store, clock });
  m.add(deploymentController({ progressRequeueMs: 100, carbon: { zones: () => zones } }));
  await m.start();
  stop = async () => {
    await m.stop();
    await store.close();
  };
  await store.create(
    ApplicationKind,
    application('default', 'batch', {
      components: [component('job', { resources: { cpu: '1', memory: '256Mi' } })],
      requirements: { weights: { carbon: 100, latency: 0, price: 0, balance: 0 } },
    }),
  );
  return store;
}

const get = async (s: Store, name: string): Promise<Deployment> => (await s.get(DeploymentKind, 'default', name))!;
const sitesOf = async (s: Store, name: string): Promise<string[]> =>
  (await s.list(WorkloadKind, { namespace: 'default' })).items
    .filter((w) => w.metadata.labels?.['continuum.eu/deployment'] === name)
    .map((w) => w.spec.siteName ?? '');

describe('carbon-aware timing', () => {
  it('places on the greenest site over the expected run window, not the current hour', async () => {
    const store = await world(() => new Date(T0));
    // 1 h from now: ES averages 257, PT 150 wins. 4 h from now: ES averages 94 and wins.
    await store.create(
      DeploymentKind,
      deployment('default', 'short', { application: 'batch', schedule: { expectedDurationSeconds: 3600 } }),
    );
    await store.create(
      DeploymentKind,
      deployment('default', 'long', { application: 'batch', schedule: { expectedDurationSeconds: 4 * 3600 } }),
    );
    await waitFor(
      async () => (await sitesOf(store, 'short')).length === 1 && (await sitesOf(store, 'long')).length === 1,
      'placed',
    );
    expect(await sitesOf(store, 'short')).toEqual(['lis']);
    expect(await sitesOf(store, 'long')).toEqual(['mad']);
  });

  it('defers a run with a deadline to the greenest window, says why, and starts it then', async () => {
    let now = T0;
    const store = await world(() => new Date(now));
    await store.create(
      DeploymentKind,
      deployment('default', 'nightly', {
        application: 'batch',
        schedule: { expectedDurationSeconds: 3600, deadline: new Date(T0 + 5 * H).toISOString() },
      }),
    );
    const deferred = await waitFor(async () => {
      const d = await get(store, 'nightly');
      return d.status?.schedule && d;
    }, 'a planned start');
    const planned = Date.parse(deferred.status!.schedule!.plannedStart);
    expect(planned).toBe(T0 - 600_000 + H); // the first clean ES hour
    expect(deferred.status?.phase).toBe('Pending');
    const placed = deferred.status?.conditions?.find((c) => c.type === 'Placed');
    expect(placed).toMatchObject({ status: 'False', reason: 'DeferredForCarbon' });
    expect(placed?.message).toMatch(/deferred 0\.8 h .*: \d+ gCO2\/kWh instead of \d+ now \(−\d+ %\)/);
    expect(await sitesOf(store, 'nightly')).toEqual([]);
    // The plan holds across passes (decided once per generation).
    const rv = deferred.metadata.resourceVersion;
    await store.update(DeploymentKind, { ...deferred, metadata: { ...deferred.metadata, labels: { touch: '1' } } });
    await waitFor(async () => (await get(store, 'nightly')).metadata.resourceVersion !== rv, 'touched');
    expect((await get(store, 'nightly')).status?.schedule?.plannedStart).toBe(deferred.status!.schedule!.plannedStart);
    // Its hour comes: it runs where the window is greenest.
    now = planned + 60_000;
    const d = await get(store, 'nightly');
    await store.update(DeploymentKind, { ...d, metadata: { ...d.metadata, labels: { touch: '2' } } });
    await waitFor(async () => (await sitesOf(store, 'nightly')).length === 1, 'started');
    expect(await sitesOf(store, 'nightly')).toEqual(['mad']);
  });

  it('rejects a deadline without an expected duration', async () => {
    const { deploymentProblems } = await import('../../placement/index.js');
    const errors = await deploymentProblems(
      { application: 'x', schedule: { deadline: '2026-12-01T00:00:00Z' } },
      undefined,
      { area: async () => true, site: async () => true, secret: async () => true },
    );
    expect(errors).toContainEqual(expect.objectContaining({ field: 'spec.schedule.expectedDurationSeconds' }));
  });
});
