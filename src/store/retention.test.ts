// HistoryRetention on both engines: the event history is cut to its byte bound, oldest first, never the newest.
import { afterAll, describe, expect, it } from 'vitest';
import { API_VERSION, NamespaceKind } from '../model/index.js';
import type { Backend } from './backend.js';
import { PgTestDatabase, SKIP_PG } from './postgres/testing/harness.js';
import { SqliteBackend } from './sqlite/backend.js';
import { Store } from './store.js';

const pgdb = new PgTestDatabase();
afterAll(() => pgdb.dropAll());

const engines: Array<[string, () => Promise<Backend>]> = [
  ['sqlite', async () => new SqliteBackend({ path: ':memory:' })],
  ...(SKIP_PG ? [] : [['postgres', () => pgdb.open(pgdb.freshSchema())] as [string, () => Promise<Backend>]]),
];

describe.each(engines)('history retention by bytes (%s)', (_name, open) => {
  it('keeps at most the bound of event data, drops the oldest first and keeps the newest', async () => {
    const store = new Store(await open());
    try {
      const big = (i: number) => ({
        apiVersion: API_VERSION,
        kind: 'Namespace',
        metadata: { name: `ns-${i}`, annotations: { pad: 'x'.repeat(10_000) } },
      });
      for (let i = 0; i < 30; i++) await store.create(NamespaceKind, big(i));
      const before = await store.backend.historyBytes!();
      expect(before).toBeGreaterThan(300_000);
      const retention = store.startRetention({ bytes: 50_000, intervalMs: 3_600_000 });
      await retention.run();
      const after = await store.backend.historyBytes!();
      expect(after).toBeLessThanOrEqual(50_000);
      expect(after).toBeGreaterThan(30_000);
      const newest = await store.revision();
      // The newest revisions are still watchable; the oldest are gone (410).
      const w = await store.watch(NamespaceKind, { resourceVersion: String(newest - 2) });
      w.close();
      await expect(store.watch(NamespaceKind, { resourceVersion: '1' })).rejects.toMatchObject({ code: 'Gone' });
      // A bound smaller than one event still keeps the newest.
      await store.startRetention().stop();
      store.retention = undefined;
      await store.startRetention({ bytes: 10, intervalMs: 3_600_000 }).run();
      expect(await store.backend.historyBytes!()).toBeGreaterThan(10_000);
    } finally {
      await store.close();
    }
  });
});
