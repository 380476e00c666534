// The store contract suite: every engine runs it through the same Store semantics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, SiteKind, WorkloadKind, type AnyResource } from '../../model/index.js';
import type { Backend } from '../backend.js';
import { Store } from '../store.js';
import type { Watch, WatchEvent } from '../watch.js';
import { site, workload } from '../../model/testing/index.js';

export interface EngineHarness {
  /** A fresh, empty backend. */
  make(): Promise<Backend>;
  /** Reopens the same storage as the last `make()` (after closing it). */
  reopen(): Promise<Backend>;
}

async function expectCode(p: Promise<unknown>, code: string, field?: string): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ApiError ${code}`).toBeInstanceOf(ApiError);
  const api = err as ApiError;
  expect(api.code).toBe(code);
  if (field) expect(api.errors.map((e) => e.field)).toContain(field);
  return api;
}

/** Takes the next `n` events from a watch, failing after `ms`. */
export async function take(w: Watch, n: number, ms = 5000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  const it = w[Symbol.asyncIterator]();
  const deadline = setTimeout(() => w.close(), ms);
  try {
    while (out.length < n) {
      const r = await it.next();
      if (r.done) break;
      if (r.value.type !== 'BOOKMARK') out.push(r.value);
    }
  } finally {
    clearTimeout(deadline);
  }
  expect(out.length, `expected ${n} watch events`).toBe(n);
  return out;
}

export function describeStoreContract(engine: string, harness: EngineHarness): void {
  describe(`store contract: ${engine}`, () => {
    let store: Store;
    let t = Date.parse('2026-01-01T00:00:00Z');
    beforeEach(async () => {
      store = new Store(await harness.make(), { clock: () => new Date((t += 1000)), watchPollMs: 50 });
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates with server-owned metadata and reads back', async () => {
      const created = await store.create(SiteKind, site('mad-1'));
      expect(created.metadata.uid).toMatch(/[0-9a-f-]{36}/);
      expect(created.metadata.generation).toBe(1);
      expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
      expect(created.metadata.creationTimestamp).toMatch(/^2026-/);
      expect(await store.get(SiteKind, undefined, 'mad-1')).toEqual(created);
      await expectCode(store.create(SiteKind, site('mad-1')), 'AlreadyExists', 'metadata.name');
    });

    it.each([
      ['unknown field', (o: any) => (o.spec.colour = 'red'), 'spec.colour'],
      ['missing required', (o: any) => delete o.spec.provider, 'spec.provider'],
      ['wrong type', (o: any) => (o.spec.location.latitude = 'north'), 'spec.location.latitude'],
      ['bad enum', (o: any) => (o.spec.category = 'edge'), 'spec.category'],
      ['bad name', (o: any) => (o.metadata.name = 'Bad_Name'), 'metadata.name'],
      ['namespace on cluster kind', (o: any) => (o.metadata.namespace = 'x'), 'metadata.namespace'],
      ['resourceVersion on create', (o: any) => (o.metadata.resourceVersion = '5'), 'metadata.resourceVersion'],
    ])('rejects invalid objects: %s', async (_n, mutate, field) => {
      const o = site('bad');
      mutate(o);
      const err = await store.create(SiteKind, o).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBeGreaterThanOrEqual(400);
      expect((err as ApiError).status).toBeLessThan(500);
      expect((err as ApiError).errors.map((e) => e.field)).toContain(field);
      expect(await store.get(SiteKind, undefined, 'bad')).toBeUndefined();
    });

    it('updates with optimistic concurrency and bumps generation only on spec change', async () => {
      const a = await store.create(SiteKind, site('s'));
      const b = await store.update(SiteKind, { ...a, spec: { ...a.spec, unschedulable: true } });
      expect(b.metadata.generation).toBe(2);
      await expectCode(
        store.update(SiteKind, { ...a, spec: { ...a.spec, unschedulable: false } }),
        'Conflict',
        'metadata.resourceVersion',
      );
      const c = await store.update(SiteKind, { ...b, metadata: { ...b.metadata, labels: { tier: 'gold' } } });
      expect(c.metadata.generation).toBe(2);
      expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
      const same = await store.update(SiteKind, c);
      expect(same.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
      await expectCode(store.update(SiteKind, { ...site('nope'), metadata: { name: 'nope' } }), 'NotFound');
    });

    it('separates spec writes from status writes', async () => {
      const a = await store.create(SiteKind, site('s'));
      const withStatus = await store.updateStatus(SiteKind, { ...a, status: { workloads: 3 } });
      expect(withStatus.status).toEqual({ workloads: 3 });
      expect(withStatus.metadata.generation).toBe(1);
      const specOnly = await store.update(SiteKind, {
        ...withStatus,
        spec: { ...a.spec, unschedulable: true },
        status: { workloads: 99 },
      });
      expect(specOnly.status).toEqual({ workloads: 3 });
      const statusOnly = await store.updateStatus(SiteKind, {
        ...specOnly,
        spec: { ...a.spec },
        status: { workloads: 4 },
      });
      expect(statusOnly.spec.unschedulable).toBe(true);
      await expectCode(
        store.updateStatus(SiteKind, { ...statusOnly, status: { workloads: -1 } }),
        'Invalid',
        'status.workloads',
      );
    });

    it('applies merge patches, null deleting keys', async () => {
      await store.create(SiteKind, site('s', { labels: { a: '1', b: '2' } }));
      const p = await store.patch(SiteKind, undefined, 's', {
        metadata: { labels: { a: null, c: '3' } },
        spec: { capacity: { gpu: 2 } },
      });
      expect(p.metadata.labels).toEqual({ b: '2', c: '3' });
      expect(p.spec.capacity).toEqual({ cpu: 64, memory: '256Gi', gpu: 2 });
      const st = await store.patch(SiteKind, undefined, 's', { status: { workloads: 1 } }, 'status');
      expect(st.status).toEqual({ workloads: 1 });
      await expectCode(
        store.patch(SiteKind, undefined, 's', { spec: { category: 'nope' } }),
        'Invalid',
        'spec.category',
      );
      await expectCode(
        store.patch(SiteKind, undefined, 's', { metadata: { resourceVersion: '1' }, spec: { unschedulable: true } }),
        'Conflict',
      );
      await expectCode(
        store.patch(SiteKind, undefined, 's', { metadata: { uid: 'other' } }),
        'Invalid',
        'metadata.uid',
      );
    });

    it('apply is an idempotent create-or-update', async () => {
      expect((await store.apply(SiteKind, site('s'))).result).toBe('created');
      const u = await store.apply(SiteKind, site('s'));
      expect(u.result).toBe('unchanged');
      const c = await store.apply(SiteKind, { ...site('s'), spec: { ...site('s').spec!, unschedulable: true } });
      expect(c.result).toBe('configured');
      expect(c.object.metadata.generation).toBe(2);
    });

    it('lists with namespaces, selectors and pagination', async () => {
      for (let i = 0; i < 25; i++) {
        await store.create(
          WorkloadKind,
          workload(i % 2 ? 'team-a' : 'team-b', `w-${String(i).padStart(2, '0')}`, {
            labels: { tier: i % 3 === 0 ? 'web' : 'db', idx: String(i) },
            siteName: i < 5 ? 'edge-1' : 'edge-2',
          }),
        );
      }
      expect((await store.list(WorkloadKind)).items).toHaveLength(25);
      expect((await store.list(WorkloadKind, { namespace: 'team-a' })).items).toHaveLength(12);
      const cases: Array<[string, number]> = [
        ['tier=web', 9],
        ['tier!=web', 16],
        ['tier in (web,db)', 25],
        ['tier notin (web)', 16],
        ['idx', 25],
        ['!idx', 0],
        ['tier=web,idx=3', 1],
      ];
      for (const [sel, n] of cases)
        expect((await store.list(WorkloadKind, { labelSelector: sel })).items.length, sel).toBe(n);
      expect((await store.list(WorkloadKind, { fieldSelector: 'spec.siteName=edge-1' })).items).toHaveLength(5);
      expect(
        (await store.list(WorkloadKind, { fieldSelector: 'metadata.name=w-07,metadata.namespace=team-a' })).items,
      ).toHaveLength(1);
      const seen: string[] = [];
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await store.list(WorkloadKind, { limit: 7, continue: cont, labelSelector: 'tier=db' });
        seen.push(...page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
        cont = page.continue;
        pages++;
      } while (cont);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(16);
      expect(new Set(seen).size).toBe(16);
      expect([...seen]).toEqual([...seen].sort());
      await expectCode(store.list(WorkloadKind, { labelSelector: 'tier in (web' }), 'InvalidSelector', 'labelSelector');
      await expectCode(
        store.list(WorkloadKind, { fieldSelector: 'spec.secret=1' }),
        'InvalidSelector',
        'fieldSelector',
      );
      await expectCode(store.list(WorkloadKind, { continue: 'garbage!' }), 'BadRequest', 'continue');
    });

    it('honours finalizers and delete preconditions', async () => {
      const a = await store.create(SiteKind, {
        ...site('s'),
        metadata: { name: 's', finalizers: ['continuum.eu/drain'] },
      });
      await expectCode(store.delete(SiteKind, undefined, 's', { preconditions: { uid: 'x' } }), 'Conflict');
      const marked = await store.delete(SiteKind, undefined, 's');
      expect(marked.metadata.deletionTimestamp).toBeDefined();
      expect(await store.get(SiteKind, undefined, 's')).toBeDefined();
      await expectCode(
        store.update(SiteKind, {
          ...marked,
          metadata: { ...marked.metadata, finalizers: ['continuum.eu/drain', 'more'] },
        }),
        'Invalid',
        'metadata.finalizers',
      );
      await store.update(SiteKind, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
      expect(await store.get(SiteKind, undefined, 's')).toBeUndefined();
      await expectCode(store.delete(SiteKind, undefined, 's'), 'NotFound');
      expect(a.metadata.uid).toBeDefined();
    });

    it('watch starts with current state, then streams changes in order', async () => {
      await store.create(WorkloadKind, workload('ns1', 'a'));
      await store.create(WorkloadKind, workload('ns2', 'b'));
      const w = await store.watch(WorkloadKind, { namespace: 'ns1' });
      const [first] = await take(w, 1);
      expect(first.type).toBe('ADDED');
      expect(first.object.metadata.name).toBe('a');
      await store.create(WorkloadKind, workload('ns2', 'c'));
      await store.patch(WorkloadKind, 'ns1', 'a', { metadata: { labels: { x: 'y' } } });
      await store.delete(WorkloadKind, 'ns1', 'a');
      const evs = await take(w, 2);
      expect(evs.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
      expect(Number(evs[1].object.metadata.resourceVersion)).toBeGreaterThan(
        Number(evs[0].object.metadata.resourceVersion),
      );
      w.close();
    });

    it('a watcher that drops and resumes from its last resourceVersion sees every change exactly once, in order', async () => {
      const expected: string[] = [];
      const got: string[] = [];
      const first = await store.create(SiteKind, site('s0'));
      let last = first.metadata.resourceVersion;
      const writer = (async () => {
        for (let i = 1; i <= 60; i++) {
          const o =
            i % 3 === 0
              ? await store.patch(SiteKind, undefined, 's0', { spec: { capacity: { gpu: i } } })
              : await store.create(SiteKind, site(`s${i}`));
          expected.push(`${o.metadata.name}@${o.metadata.resourceVersion}`);
        }
      })();
      for (let round = 0; got.length < 60 && round < 100; round++) {
        const w = await store.watch(SiteKind, { resourceVersion: last });
        const evs = await take(w, Math.min(7, 60 - got.length), 10_000);
        w.close();
        for (const e of evs) {
          got.push(`${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);
          last = e.object.metadata.resourceVersion;
        }
      }
      await writer;
      expect(got).toEqual(expected);
    });

    it('answers Gone for a compacted resourceVersion', async () => {
      const a = await store.create(SiteKind, site('a'));
      await store.create(SiteKind, site('b'));
      const c = await store.create(SiteKind, site('c'));
      await store.backend.compact(Number(c.metadata.resourceVersion) - 1);
      await expectCode(store.watch(SiteKind, { resourceVersion: a.metadata.resourceVersion }), 'Gone');
      const w = await store.watch(SiteKind, { resourceVersion: String(Number(c.metadata.resourceVersion) - 1) });
      const [ev] = await take(w, 1);
      expect(ev.object.metadata.name).toBe('c');
      w.close();
    });

    it('concurrent conditional updates: exactly one wins', async () => {
      const a = await store.create(SiteKind, site('s'));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.update(SiteKind, { ...a, spec: { ...a.spec, capacity: { cpu: i + 1 } } }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as ApiError).code).toBe('Conflict');
      const unconditional = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.patch(SiteKind, undefined, 's', { metadata: { labels: { [`k${i}`]: 'v' } } }),
        ),
      );
      expect(unconditional).toHaveLength(8);
      expect(Object.keys((await store.get(SiteKind, undefined, 's'))!.metadata.labels ?? {})).toHaveLength(8);
    });

    it('keeps everything across a reopen', async () => {
      const a = await store.create(SiteKind, site('s'));
      await store.close();
      store = new Store(await harness.reopen());
      const b = (await store.get(SiteKind, undefined, 's')) as AnyResource;
      expect(b).toEqual(a);
      const next = await store.create(SiteKind, site('t'));
      expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    });
  });
}
