// Runs the store contract suite on the PostgreSQL engine, plus what only a shared database has: replicas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../lib/testing/index.js';
import { SiteKind, type AnyResource } from '../../model/index.js';
import { RevisionCompacted, type Backend, type PreconditionFailed } from '../backend.js';
import { Store } from '../store.js';
import { describeStoreContract } from '../testing/contract.js';
import { site } from '../../model/testing/index.js';
import type { Watch, WatchEvent } from '../watch.js';
import { PostgresBackend } from './backend.js';
import { PG_URL, PgTestDatabase, SKIP_PG } from './testing/harness.js';

const db = new PgTestDatabase();

/** Collects `n` events (bookmarks skipped), then waits `quietMs` to prove nothing else arrives. */
async function collect(w: Watch, n: number, quietMs = 300, ms = 10_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = w[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  for (;;) {
    const wait = out.length < n ? deadline - Date.now() : quietMs;
    if (wait <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), wait))),
    ]);
    clearTimeout(timer);
    if (r === 'timeout' || r.done) break;
    if (r.value.type !== 'BOOKMARK') out.push(r.value);
  }
  w.close();
  return out;
}

const tag = (o: AnyResource): string => `${o.metadata.name}@${o.metadata.resourceVersion}`;

if (!SKIP_PG) {
  beforeAll(() => db.check());
  afterAll(() => db.dropAll());
}

describe.skipIf(SKIP_PG)('postgres engine', () => {
  let schema = '';
  describeStoreContract('postgres', {
    async make() {
      schema = db.freshSchema();
      return db.open(schema);
    },
    async reopen() {
      return db.open(schema);
    },
  });

  describe('replicas on one schema', () => {
    const opened: Backend[] = [];
    const replicas = async (n: number, opts: { quiet?: boolean } = {}): Promise<Store[]> => {
      const s = db.freshSchema();
      const backends = await Promise.all(
        Array.from({ length: n }, () => db.open(s, opts.quiet ? { pollMs: 60_000 } : {})),
      );
      opened.push(...backends);
      return backends.map((b) => new Store(b, { watchPollMs: opts.quiet ? 60_000 : 200 }));
    };
    afterAll(async () => {
      for (const b of opened) await b.close();
    });

    it('a write through one replica reaches a watch on another promptly, in order, exactly once', async () => {
      // Polling is effectively off: only LISTEN/NOTIFY can wake the watching replica in time.
      const [a, b] = await replicas(2, { quiet: true });
      const w = await b.watch(SiteKind);
      const expected: string[] = [];
      for (let i = 0; i < 10; i++) expected.push(tag(await a.create(SiteKind, site(`s${i}`))));
      expected.push(tag(await a.patch(SiteKind, undefined, 's3', { spec: { unschedulable: true } })));
      expected.push(tag(await a.delete(SiteKind, undefined, 's0')));
      const started = Date.now();
      const got = await collect(w, expected.length);
      expect(got.map((e) => tag(e.object))).toEqual(expected);
      expect(got.map((e) => e.type).slice(-2)).toEqual(['MODIFIED', 'DELETED']);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('concurrent writers on two replicas get gap-free increasing revisions; both watches see the same sequence', async () => {
      const [a, b] = await replicas(2);
      const watches = [await a.watch(SiteKind), await b.watch(SiteKind)];
      const revs: number[] = [];
      const writer = (s: Store, id: string) => async () => {
        for (let i = 0; i < 20; i++) {
          const o = await s.create(SiteKind, site(`${id}-${i}`));
          revs.push(Number(o.metadata.resourceVersion));
          if (i % 4 === 0)
            revs.push(
              Number(
                (await s.patch(SiteKind, undefined, `${id}-${i}`, { spec: { unschedulable: true } })).metadata
                  .resourceVersion,
              ),
            );
        }
      };
      await Promise.all(
        ['a', 'b'].flatMap((side) => [0, 1, 2, 3].map((n) => writer(side === 'a' ? a : b, `${side}${n}`)())),
      );
      const total = 8 * 25;
      expect(revs).toHaveLength(total);
      expect([...revs].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const seen = await Promise.all(
        watches.map(async (w) => (await collect(w, total)).map((e) => Number(e.object.metadata.resourceVersion))),
      );
      expect(seen[0]).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(seen[1]).toEqual(seen[0]);
    });

    it('several replicas starting at once on an empty schema all come up and share one revision sequence', async () => {
      const stores = await replicas(8);
      const revs = await Promise.all(
        stores.map(async (s, i) => Number((await s.create(SiteKind, site(`r${i}`))).metadata.resourceVersion)),
      );
      expect(revs.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('re-listens after its notification connection is killed, without losing a wake-up', async () => {
      const [a, b] = await replicas(2, { quiet: true });
      const w = await b.watch(SiteKind);
      const listenerPids = async (): Promise<number[]> =>
        (
          await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid`, [
            `continuum-listen:${(b.backend as PostgresBackend).schema}`,
          ])
        ).map((r) => r.pid);
      const before = await waitFor(async () => {
        const pids = await listenerPids();
        return pids.length > 0 && pids;
      }, 'the watching replica to listen');
      await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
      // Written while the watching replica may be deaf: its reconnect wake-up must still deliver it.
      const first = tag(await a.create(SiteKind, site('during')));
      const [ev1] = await collect(w, 1, 0, 5000);
      expect(tag(ev1.object)).toBe(first);
      const after = await waitFor(async () => {
        const pids = await listenerPids();
        return pids.length > 0 && pids.every((p) => !before.includes(p)) && pids;
      }, 'a new listener connection to replace the killed one');
      expect(after.some((p) => before.includes(p))).toBe(false);
      const w2 = await b.watch(SiteKind, { resourceVersion: first.split('@')[1] });
      const second = tag(await a.create(SiteKind, site('after')));
      expect((await collect(w2, 1, 0, 5000)).map((e) => tag(e.object))).toEqual([second]);
    });
  });

  describe('engine details', () => {
    it('refuses like the SQLite engine and does not spend a revision on a refused write', async () => {
      const b = await db.open(db.freshSchema());
      try {
        const key = { resource: 'sites.continuum.eu', namespace: '', name: 'x' };
        const obj = (): AnyResource => ({ ...site('x'), metadata: { name: 'x' } }) as AnyResource;
        const r1 = await b.commit({ op: 'create', key, object: obj() });
        const fail = (p: Promise<unknown>) =>
          p.then(
            () => undefined,
            (e: unknown) => e as PreconditionFailed,
          );
        expect(await fail(b.commit({ op: 'create', key, object: obj() }))).toMatchObject({
          reason: 'exists',
          actual: r1,
        });
        expect(await fail(b.commit({ op: 'update', key, expectedRevision: r1 + 5, object: obj() }))).toMatchObject({
          reason: 'revision',
          actual: r1,
        });
        const other = { ...key, name: 'y' };
        expect(await fail(b.commit({ op: 'delete', key: other, expectedRevision: 1, object: obj() }))).toMatchObject({
          reason: 'missing',
        });
        const written = obj();
        const r2 = await b.commit({ op: 'update', key, expectedRevision: r1, object: written });
        expect(r2).toBe(r1 + 1);
        expect(written.metadata.resourceVersion).toBe(String(r2));
        // Stored as JSON text: key order survives (YAML output stays apiVersion, kind, metadata, spec).
        expect(Object.keys((await b.get(key))!.object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
        await b.compact(100);
        expect(await b.events(r2, 10)).toEqual([]);
        await expect(b.events(r1, 10)).rejects.toBeInstanceOf(RevisionCompacted);
      } finally {
        await b.close();
      }
    });

    it('reports an unreachable server clearly, without a password or hanging handles', async () => {
      const url = 'postgres://someone:s3cret@127.0.0.1:1/nowhere';
      const err = await PostgresBackend.open({ connectionString: url, schema: 'x' }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/PostgreSQL store .*127\.0\.0\.1:1.*schema x/);
      expect(err?.message).not.toContain('s3cret');
      expect(() => new PostgresBackend({ connectionString: PG_URL, schema: 'Bad-Name' })).toThrow(
        /invalid PostgreSQL schema name/,
      );
    });
  });
});

describe.skipIf(SKIP_PG)('watch hub over a flaky connection', () => {
  /**
   * The engine with the next `n` revision() calls failing as after a dropped connection; `deaf` also
   * suppresses change notifications so that the test decides when the hub pumps.
   */
  function flaky(b: PostgresBackend, deaf = false): { backend: Backend; failNext: (n: number) => void } {
    let left = 0;
    const backend = new Proxy(b, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        if (prop === 'onChange' && deaf) return () => () => undefined;
        if (prop !== 'revision') return v.bind(target);
        return () => (left-- > 0 ? Promise.reject(new Error('connection terminated')) : b.revision());
      },
    });
    return { backend, failNext: (n) => (left = n) };
  }

  it('a watch can start after the first attempt hit a database error', async () => {
    const f = flaky(await db.open(db.freshSchema()));
    const store = new Store(f.backend, { watchPollMs: 50 });
    try {
      const rv = (await store.create(SiteKind, site('before-blip'))).metadata.resourceVersion;
      f.failNext(1);
      await expect(store.watch(SiteKind, { resourceVersion: rv })).rejects.toThrow(
        'the store is unavailable (connection lost)',
      );
      const w = await store.watch(SiteKind, { resourceVersion: rv });
      const created = await store.create(SiteKind, site('after-blip'));
      expect((await collect(w, 1, 0, 5000)).map((e) => tag(e.object))).toEqual([tag(created)]);
    } finally {
      await store.close();
    }
  });

  it('a database error right after falling behind compaction fails watchers instead of the process', async () => {
    const b = await db.open(db.freshSchema());
    const f = flaky(b, true);
    const store = new Store(f.backend, { watchPollMs: 60_000 });
    try {
      const w = await store.watch(SiteKind);
      // Another replica writes and compacts while this hub is between pumps.
      const other = await db.open(b.schema);
      const last = await other.commit({
        op: 'create',
        key: { resource: 'sites.continuum.eu', namespace: '', name: 'gone' },
        object: { ...site('gone'), metadata: { name: 'gone' } } as AnyResource,
      });
      await other.compact(last);
      await other.close();
      f.failNext(1);
      store.hub.kick();
      await expect(collect(w, 1, 0, 5000)).rejects.toMatchObject({ code: 'Gone' });
      // What is checked is that nothing happens: no unhandled rejection takes the process down a moment later.
      await sleep(200);
    } finally {
      await store.close();
    }
  });
});
