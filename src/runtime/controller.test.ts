// Controllers: level-triggered reconciles from watches, retries with backoff, terminal errors, leader election.
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { sleep, waitFor } from '../lib/testing/index.js';
import { API_VERSION, LeaseKind, SiteKind, WorkloadKind, type Site, type Workload } from '../model/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { site } from '../model/testing/index.js';
import { TerminalError } from './controller.js';
import { Manager } from './manager.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function newStore(): Store {
  const s = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
  cleanup.push(() => s.close());
  return s;
}

describe('controller runtime', () => {
  it('reconciles every object and converges status from spec', async () => {
    const store = newStore();
    await store.create(SiteKind, site('a'));
    const m = new Manager({ store });
    m.add((mgr) => ({
      name: 'counter',
      watches: [{ informer: mgr.informer(SiteKind) }],
      async reconcile(_ctx, key) {
        const s = await store.get(SiteKind, undefined, key);
        if (!s || s.status?.workloads === s.metadata.generation) return;
        await store.updateStatus(SiteKind, { ...s, status: { workloads: s.metadata.generation } });
      },
    }));
    await m.start();
    cleanup.push(() => m.stop());
    await store.create(SiteKind, site('b'));
    await store.patch(SiteKind, undefined, 'a', { spec: { unschedulable: true } });
    await waitFor(
      async () =>
        (await store.get(SiteKind, undefined, 'a'))?.status?.workloads === 2 &&
        (await store.get(SiteKind, undefined, 'b'))?.status?.workloads === 1,
      'the status of a and b to follow their generations',
    );
  });

  it('watches several kinds with typed informers and typed key mappings', async () => {
    const store = newStore();
    await store.create(SiteKind, site('edge-1', { country: 'PT' }));
    const m = new Manager({ store });
    const seen: string[] = [];
    m.add((mgr) => {
      const sites = mgr.informer(SiteKind);
      const workloads = mgr.informer(WorkloadKind);
      expectTypeOf(sites.list()).toEqualTypeOf<Site[]>();
      expectTypeOf(workloads.get('x')).toEqualTypeOf<Workload | undefined>();
      return {
        name: 'typed',
        watches: [
          // Keyed by site: a site's change and a change of a workload bound to it both reconcile the site.
          { informer: sites, map: (s: Site) => [`${s.metadata.name}@${s.spec.location.country}`] },
          { informer: workloads, map: (w: Workload) => (w.spec.siteName ? [`${w.spec.siteName}@PT`] : []) },
        ],
        async reconcile(_ctx, key) {
          seen.push(key);
        },
      };
    });
    await m.start();
    cleanup.push(() => m.stop());
    await waitFor(() => seen.includes('edge-1@PT'), 'the site to be reconciled');
    const before = seen.length;
    await store.create(WorkloadKind, {
      apiVersion: API_VERSION,
      kind: 'Workload',
      metadata: { name: 'w', namespace: 'team-a' },
      spec: { component: 'web', artifact: { command: 'node' }, siteName: 'edge-1' },
    });
    await waitFor(
      () => seen.length > before && seen.at(-1) === 'edge-1@PT',
      'the workload change to reconcile its site',
    );
  });

  it('retries failures with backoff and gives up on terminal errors', async () => {
    const store = newStore();
    await store.create(SiteKind, site('flaky'));
    await store.create(SiteKind, site('broken'));
    const calls: Record<string, number> = {};
    const m = new Manager({ store });
    m.add((mgr) => ({
      name: 'flaky',
      backoff: { baseMs: 5, maxMs: 20 },
      watches: [{ informer: mgr.informer(SiteKind) }],
      async reconcile(_ctx, key) {
        calls[key] = (calls[key] ?? 0) + 1;
        if (key === 'broken') throw new TerminalError('bad spec');
        if (calls[key] < 4) throw new Error('transient');
      },
    }));
    await m.start();
    cleanup.push(() => m.stop());
    await waitFor(() => calls.flaky === 4 && calls.broken === 1, 'flaky to succeed on its 4th try and broken to fail');
    // Nothing more may happen: the success and the terminal error both end the retries.
    await sleep(100);
    expect(calls.flaky).toBe(4);
    expect(calls.broken).toBe(1);
  });

  it('re-checks stalled keys with growing delays and at once when an input changes', async () => {
    const store = newStore();
    await store.create(SiteKind, site('stuck'));
    const at: number[] = [];
    const m = new Manager({ store });
    let stalledBackoff = { baseMs: 40, maxMs: 160, jitter: 0 };
    m.add((mgr) => ({
      name: 'stuck',
      get stalledBackoff() {
        return stalledBackoff;
      },
      watches: [{ informer: mgr.informer(SiteKind) }],
      async reconcile() {
        at.push(Date.now());
        return { stalled: true };
      },
    }));
    await m.start();
    cleanup.push(() => m.stop());
    await waitFor(() => at.length >= 6, 'six stalled re-checks');
    // Delays 40, 80, 160, 160, 160 ms: never shorter (a busy machine only makes them longer).
    const gaps = at.slice(1, 6).map((t, i) => t - at[i]);
    [40, 80, 160, 160, 160].forEach((min, i) => expect(gaps[i]).toBeGreaterThanOrEqual(min - 2));
    // With a long re-check pending, a change of the watched object reconciles at once.
    stalledBackoff = { baseMs: 600_000, maxMs: 600_000, jitter: 0 };
    await waitFor(() => at.length >= 7, 'the re-check that schedules the long delay');
    const n = at.length;
    await store.patch(SiteKind, undefined, 'stuck', { spec: { unschedulable: true } });
    await waitFor(() => at.length > n, 'the change to reconcile the stalled key', 5000);
  });

  it('runs controllers on exactly one replica and moves leadership when the leader dies', async () => {
    const store = newStore();
    const started: string[] = [];
    // b's wall clock is an hour ahead: expiry is judged by what each replica observed, so skew changes nothing.
    const make = (id: string): Manager => {
      const skew = id === 'b' ? 3_600_000 : 0;
      const m = new Manager({
        store,
        clock: () => new Date(Date.now() + skew),
        leaderElection: { identity: id, leaseDurationMs: 300, retryMs: 50 },
      });
      m.add(() => {
        started.push(id);
        return { name: `c-${id}`, watches: [], async reconcile() {} };
      });
      cleanup.push(() => m.stop());
      return m;
    };
    const a = make('a');
    const b = make('b');
    let both = 0;
    const sampler = setInterval(() => (both += a.leading && b.leading ? 1 : 0), 5);
    cleanup.push(async () => clearInterval(sampler));
    await a.start();
    await waitFor(() => a.leading, 'a to lead');
    await b.start();
    // What is checked is that nothing changes: b campaigns for longer than a lease while a keeps renewing.
    await sleep(400);
    clearInterval(sampler);
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(started).toEqual(['a']);
    expect(both).toBe(0);
    // Simulate a crash of a: it stops renewing without releasing (no graceful stop).
    (a as any).elector.stopped = true;
    await waitFor(() => b.leading, 'b to take over the expired lease', 3000);
    expect(started).toEqual(['a', 'b']);
    const lease = (await store.list(LeaseKind)).items[0];
    expect(lease.apiVersion).toBe(API_VERSION);
    expect(lease.spec.holderIdentity).toBe('b');
    expect(lease.spec.leaseTransitions).toBe(1);
    await b.stop();
    expect(b.leading).toBe(false);
  });
});
