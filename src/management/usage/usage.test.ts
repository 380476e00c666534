// Usage store contract on both engines: insert, hourly/daily roll-ups (late records too), retention, validation.
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, PgTestDatabase, SKIP_PG } from '../../store/postgres/testing/harness.js';
import { ApiError } from '../../model/index.js';
import { HOUR_MS, parseBatch, type UsageRecord } from './records.js';
import { SqliteUsageStore } from './sqlite.js';
import { PostgresUsageStore } from './postgres.js';
import type { UsageStore } from './store.js';
import { cpuSecondsPerWorkload } from './query.js';

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00Z
const rec = (workload: string, start: number, cpuSeconds: number, extra: Partial<UsageRecord> = {}): UsageRecord => ({
  site: 's1',
  namespace: 'acme',
  workload,
  deployment: 'shop',
  component: 'api',
  start,
  end: start + 60_000,
  cpuSeconds,
  memoryByteSeconds: 1024 * 60,
  storageByteSeconds: 0,
  egressBytes: 10,
  invocations: 0,
  energyKWh: 0,
  ...extra,
});

const pg = new PgTestDatabase();
afterAll(() => pg.dropAll());

const engines: Array<[string, () => Promise<UsageStore>]> = [
  ['sqlite', async () => new SqliteUsageStore(':memory:')],
  ...(SKIP_PG
    ? []
    : ([['postgres', () => PostgresUsageStore.open({ connectionString: PG_URL, schema: pg.freshSchema() })]] as Array<
        [string, () => Promise<UsageStore>]
      >)),
];

describe.each(engines)('usage store (%s)', (_engine, open) => {
  it('rolls raw records up per hour and day, folding late records in when they arrive', async () => {
    const s = await open();
    try {
      // 90 one-minute records for workload w1 across hours 0 and 1, and one for w2 in hour 0.
      await s.insert(Array.from({ length: 90 }, (_, i) => rec('w1', T0 + i * 60_000, 0.5)));
      await s.insert([rec('w2', T0 + 5 * 60_000, 2)]);
      const hours = await s.query({ granularity: 'hour', from: T0, to: T0 + 2 * HOUR_MS });
      expect(hours.map((r) => [r.bucket - T0, r.workload, r.cpuSeconds, r.egressBytes])).toEqual([
        [0, 'w1', 30, 600],
        [0, 'w2', 2, 10],
        [HOUR_MS, 'w1', 15, 300],
      ]);
      // A record arriving late (an agent that was offline) for hour 0 is added to the existing row.
      await s.insert([rec('w1', T0 + 10 * 60_000, 4)]);
      const again = await s.query({ granularity: 'hour', from: T0, to: T0 + HOUR_MS, workload: 'w1' });
      expect(again.map((r) => r.cpuSeconds)).toEqual([34]);
      const days = await s.query({ granularity: 'day', from: T0, to: T0 + 24 * HOUR_MS, namespace: 'acme' });
      expect(days.map((r) => [r.workload, r.cpuSeconds, r.memoryByteSeconds])).toEqual([
        ['w1', 49, 91 * 1024 * 60],
        ['w2', 2, 1024 * 60],
      ]);
      expect(await s.query({ granularity: 'day', from: T0, to: T0 + 86_400_000, namespace: 'other' })).toEqual([]);
      const cpu = await cpuSecondsPerWorkload(s, T0, T0 + 2 * HOUR_MS, 'acme');
      expect(cpu.map((c) => `${c.workload}@${(c.bucket - T0) / HOUR_MS}=${c.cpuSeconds}`)).toEqual([
        'w1@0=34',
        'w2@0=2',
        'w1@1=15',
      ]);
      expect((await s.raw('acme', T0, T0 + HOUR_MS)).length).toBe(62);
    } finally {
      await s.close();
    }
  });

  it('retention drops old raw records only after they are rolled up, and old hourly rows', async () => {
    const s = await open();
    try {
      await s.insert([rec('w1', T0, 1), rec('w1', T0 + 10 * 86_400_000, 1)]);
      const now = T0 + 10 * 86_400_000 + HOUR_MS;
      const dropped = await s.prune(now, { raw: 86_400_000, hourly: 5 * 86_400_000 });
      expect(dropped).toEqual({ raw: 1, hourly: 1, daily: 0 });
      expect((await s.raw('acme', 0, now)).length).toBe(1);
      // The day roll-up of the dropped record survives: invoices for old periods stay reproducible.
      const days = await s.query({ granularity: 'day', from: T0, to: now });
      expect(days.map((d) => d.cpuSeconds)).toEqual([1, 1]);
    } finally {
      await s.close();
    }
  });
});

describe('batch validation', () => {
  const good = { ...rec('w1', T0, 1) };
  it('accepts a well-formed batch for the caller site', () => {
    expect(parseBatch({ records: [good] }, 's1')).toEqual([good]);
  });
  it.each<[string, unknown, string]>([
    ['another site', { ...good, site: 's2' }, 'records[0].site'],
    ['negative cpu', { ...good, cpuSeconds: -1 }, 'records[0].cpuSeconds'],
    ['NaN memory', { ...good, memoryByteSeconds: 'x' }, 'records[0].memoryByteSeconds'],
    ['end before start', { ...good, end: good.start }, 'records[0].end'],
    ['bad namespace', { ...good, namespace: '../x' }, 'records[0].namespace'],
    ['unknown field', { ...good, price: 0 }, 'records[0].price'],
  ])('refuses %s with the field path', (_n, r, field) => {
    try {
      parseBatch({ records: [r] }, 's1');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).errors.map((x) => x.field)).toContain(field);
    }
  });
});
