// Site health from Leases: local observation (no clock comparison), start-up grace, our own stalls, mass outages.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import {
  API_VERSION,
  getCondition,
  LeaseKind,
  NamespaceKind,
  siteLeaseName,
  SiteKind,
  SYSTEM_NAMESPACE,
  EventKind,
} from '../../model/index.js';
import { namespace, site } from '../../model/testing/index.js';
import { Manager } from '../../runtime/manager.js';
import { SqliteBackend, Store } from '../../store/index.js';
import { namespaceAdmission } from '../namespace/namespace.js';
import { LivenessTracker } from './liveness.js';
import { siteHealthController, type SiteHealthOptions } from './sitehealth.js';

describe('LivenessTracker', () => {
  // Steps: [action, value]; 'at' sets the monotonic clock, 'tick' runs the stall check, 'renew' observes a new
  // lease version, 'age' expects the age of site s.
  type Step = ['at', number] | ['tick'] | ['renew', string, boolean?] | ['age', number] | ['renewed', boolean];
  const cases: Array<{ name: string; steps: Step[] }> = [
    {
      name: 'ages from the start when never seen, from the last observed change after',
      steps: [
        ['at', 1000],
        ['age', 1000],
        ['renew', 'v1'],
        ['at', 1500],
        ['age', 500],
        ['renew', 'v1'],
        ['at', 2000],
        ['age', 1000],
      ],
    },
    {
      name: 'a stale lease listed at start is no renewal; its first change is',
      steps: [
        ['renew', 'v1', true],
        ['renewed', false],
        ['at', 100],
        ['renew', 'v2'],
        ['renewed', true],
      ],
    },
    {
      name: 'a lease created after the listing is a renewal',
      steps: [
        ['renew', 'v1', false],
        ['renewed', true],
      ],
    },
    {
      name: 'an event-loop stall beyond the threshold is not counted',
      steps: [['renew', 'v1'], ['at', 250], ['tick'], ['at', 5250], ['tick'], ['age', 500]],
    },
    {
      name: 'ordinary timer jitter is not a stall',
      steps: [['renew', 'v1'], ['at', 250], ['tick'], ['at', 1400], ['tick'], ['age', 1400]],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      let t = 0;
      const tr = new LivenessTracker(() => t, 250, 1000);
      for (const s of c.steps) {
        if (s[0] === 'at') t = s[1];
        else if (s[0] === 'tick') tr.tick();
        else if (s[0] === 'renew') tr.observe('s', s[1], 1000, s[2] ?? false);
        else if (s[0] === 'age') expect(tr.age('s').ageMs).toBe(s[1]);
        else expect(tr.age('s').renewed).toBe(s[1]);
      }
    });
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The lease duration the fake agents announce: long enough that a loaded machine's scheduling gaps never expire it. */
const LEASE_S = 4;

async function world(names: string[], opts: SiteHealthOptions, ready = false) {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), {
    watchPollMs: 20,
    admission: [namespaceAdmission],
  });
  cleanup.push(() => store.close());
  await store.create(NamespaceKind, namespace(SYSTEM_NAMESPACE));
  for (const n of names) {
    const s = await store.create(SiteKind, site(n));
    if (ready)
      await store.updateStatus(SiteKind, {
        ...s,
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'AgentLeaseRenewed', lastTransitionTime: 'T0' }],
        },
      });
  }
  /** Renews the lease of `n` as an agent would, with a renewTime from a machine whose clock is a year off. */
  const renew = async (n: string): Promise<void> => {
    const cur = await store.get(LeaseKind, undefined, siteLeaseName(n));
    const renewTime = new Date(Date.now() - 365 * 86_400_000).toISOString();
    if (!cur)
      await store.create(LeaseKind, {
        apiVersion: API_VERSION,
        kind: 'Lease',
        metadata: { name: siteLeaseName(n) },
        spec: { holderIdentity: n, leaseDurationSeconds: LEASE_S, renewTime },
      });
    else await store.update(LeaseKind, { ...cur, spec: { ...cur.spec, renewTime } });
  };
  const start = async (): Promise<Manager> => {
    const m = new Manager({ store });
    m.add(siteHealthController(opts));
    await m.start();
    cleanup.push(() => m.stop());
    return m;
  };
  const readyOf = async (n: string) =>
    getCondition((await store.get(SiteKind, undefined, n))?.status?.conditions, 'Ready');
  return { store, renew, start, readyOf };
}

/** Renews the given sites every 150 ms until stopped. */
function renewing(renew: (n: string) => Promise<void>, names: string[]): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    while (on) {
      for (const n of names) await renew(n);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

describe('site health controller', () => {
  it('Ready follows lease renewals as observed here, whatever clock the agent has', async () => {
    const w = await world(['a'], { graceSeconds: 0.5 });
    await w.start();
    const stop = renewing(w.renew, ['a']);
    cleanup.push(stop);
    await waitFor(async () => (await w.readyOf('a'))?.status === 'True', 'a Ready from its renewals');
    expect((await w.readyOf('a'))?.reason).toBe('AgentLeaseRenewed');
    // Later (beyond the lease) it is still Ready: the year-old renewTime never mattered.
    const t = Date.now();
    await waitFor(
      async () => Date.now() - t > LEASE_S * 1000 + 500 && (await w.readyOf('a'))?.status === 'True',
      'a to stay Ready',
    );
    const notReady = async (): Promise<number> =>
      (await w.store.list(EventKind, { namespace: SYSTEM_NAMESPACE })).items.filter(
        (e) => e.spec.reason === 'SiteNotReady',
      ).length;
    expect(await notReady()).toBe(0); // it never flipped meanwhile
    await stop();
    const stopped = Date.now();
    await waitFor(async () => (await w.readyOf('a'))?.status === 'False', 'a NotReady once renewals stop');
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(LEASE_S * 1000 - 100); // the lease's own duration is the grace
    expect((await w.readyOf('a'))?.reason).toBe('LeaseExpired');
    const evs = (await w.store.list(EventKind, { namespace: SYSTEM_NAMESPACE })).items.map((e) => e.spec.reason);
    expect(evs).toEqual(expect.arrayContaining(['SiteReady', 'SiteNotReady']));
    // Renewing again brings it back.
    cleanup.push(renewing(w.renew, ['a']));
    await waitFor(async () => (await w.readyOf('a'))?.status === 'True', 'a Ready again');
  });

  it('after a start, a site keeps Ready for a grace period to reconnect, then loses it unless renewed', async () => {
    const w = await world(['back', 'gone'], { graceSeconds: 1 }, true);
    await w.renew('back');
    await w.renew('gone');
    const started = Date.now();
    await w.start();
    cleanup.push(renewing(w.renew, ['back']));
    await waitFor(async () => (await w.readyOf('gone'))?.status === 'False', 'gone to turn NotReady');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_S * 1000 - 100);
    expect((await w.readyOf('back'))?.status).toBe('True');
  });

  it('a mass outage withdraws readiness at once but fails sites over one per interval', async () => {
    const names = ['m1', 'm2', 'm3', 'm4'];
    const w = await world(names, { graceSeconds: 0.5, massIntervalMs: 60_000 });
    await w.start();
    const stop = renewing(w.renew, names);
    await waitFor(async () => {
      for (const n of names) if ((await w.readyOf(n))?.status !== 'True') return false;
      return true;
    }, 'all four Ready');
    await stop();
    cleanup.push(renewing(w.renew, ['m4']));
    await waitFor(async () => {
      const st = await Promise.all(['m1', 'm2', 'm3'].map(async (n) => (await w.readyOf(n))?.status));
      return !st.includes('True');
    }, 'the three silent sites to lose readiness');
    const st = await Promise.all(['m1', 'm2', 'm3'].map(async (n) => (await w.readyOf(n))?.status));
    expect(st.filter((s) => s === 'False')).toHaveLength(1);
    expect(st.filter((s) => s === 'Unknown')).toHaveLength(2);
    expect((await w.readyOf('m4'))?.status).toBe('True');
  });
});
