// Tests for optimistic commit: reservations never let concurrent decisions overcommit a site.
import { describe, expect, it } from 'vitest';
import { place } from './engine.js';
import { Prng } from './prng.js';
import { Reservations } from './reservations.js';
import { comp, req, site, snap } from './testing/fixtures.js';
import type { Decision } from './types.js';
import { verifyDecisions } from './verify.js';

const one = { cpu: 4000, memory: 8192, gpu: 0, storage: 0 };

describe('Reservations', () => {
  it('commits while there is room, then reports the conflict', () => {
    const s = snap([site('a', { allocatable: one, allocated: { cpu: 2000, memory: 0, gpu: 0, storage: 0 } })]);
    const ledger = new Reservations();
    const d1 = place(s, req([comp('api', { resources: { cpu: 1500, memory: 100, gpu: 0, storage: 0 } })], 'd1'));
    const d2 = place(s, req([comp('api', { resources: { cpu: 1000, memory: 100, gpu: 0, storage: 0 } })], 'd2'));
    expect(ledger.tryCommit(d1, s)).toEqual({ ok: true });
    expect(ledger.tryCommit(d2, s)).toEqual({
      ok: false,
      conflicts: [{ site: 'a', dimension: 'cpu', requested: 1000, free: 500 }],
    });
    expect(ledger.reservedOn('a')).toEqual({ cpu: 1500, memory: 100, gpu: 0, storage: 0 });
    // Re-deciding the same deployment replaces its own reservation instead of stacking on it.
    expect(ledger.tryCommit(d1, s)).toEqual({ ok: true });
    expect(ledger.reservedOn('a').cpu).toBe(1500);
    ledger.release(d1);
    expect(ledger.size).toBe(0);
    expect(ledger.tryCommit(d2, s)).toEqual({ ok: true });
  });

  it('makes later decisions see reserved capacity', () => {
    const s = snap([site('a', { allocatable: one }), site('b', { allocatable: one, near: 'paris' })]);
    const ledger = new Reservations();
    const first = place(
      s,
      req(
        [
          comp('api', {
            resources: { cpu: 3000, memory: 100, gpu: 0, storage: 0 },
            groups: [{ area: 'berlin', replicas: 1, latency: [] }],
          }),
        ],
        'd1',
      ),
      { reservations: ledger },
    );
    expect(first.assignments[0].site).toBe('a');
    expect(ledger.tryCommit(first, s).ok).toBe(true);
    const second = place(
      s,
      req(
        [
          comp('api', {
            resources: { cpu: 3000, memory: 100, gpu: 0, storage: 0 },
            groups: [{ area: 'berlin', replicas: 1, latency: [] }],
          }),
        ],
        'd2',
      ),
      { reservations: ledger },
    );
    expect(second.assignments[0].site).toBe('b');
    // The owner's own reservation does not block its re-decision.
    expect(
      place(
        s,
        req(
          [
            comp('api', {
              resources: { cpu: 3000, memory: 100, gpu: 0, storage: 0 },
              groups: [{ area: 'berlin', replicas: 1, latency: [] }],
            }),
          ],
          'd1',
        ),
        { reservations: ledger },
      ).assignments[0].site,
    ).toBe('a');
  });

  it('checks against the last observed snapshot when given none', () => {
    const s = snap([site('a', { allocatable: { cpu: 1000, memory: 1000, gpu: 0, storage: 0 } })]);
    const ledger = new Reservations();
    const d = place(s, req([comp('api', { resources: { cpu: 1000, memory: 1, gpu: 0, storage: 0 } })], 'd1'));
    expect(() => ledger.tryCommit(d)).toThrow(/observe/);
    ledger.observe(s);
    expect(ledger.tryCommit(d)).toEqual({ ok: true });
    expect(ledger.tryCommit({ ...d, name: 'd2' }).ok).toBe(false);
  });

  it('rejects a decision naming a site the snapshot does not know', () => {
    const s = snap([site('a')]);
    const d = { ...place(s, req([comp('api')])), usage: [{ site: 'gone', cpu: 1, memory: 1, gpu: 0, storage: 0 }] };
    expect(new Reservations().tryCommit(d, s)).toEqual({
      ok: false,
      conflicts: [{ site: 'gone', dimension: 'site', requested: 0, free: 0 }],
    });
  });

  it.each([[1], [2], [3]])('many deployments racing for the last capacity never overcommit (seed %d)', async (seed) => {
    // Room for exactly 5 replicas of 700m on the edge; 40 deployments want 1 or 2 each, deciding concurrently.
    const s = snap([
      site('last', { category: 'far-edge', allocatable: { cpu: 3500, memory: 100_000, gpu: 0, storage: 0 } }),
    ]);
    const ledger = new Reservations();
    const rng = new Prng(seed);
    const requests = Array.from({ length: 40 }, (_, i) =>
      req(
        [comp('api', { replicas: 1 + (i % 2), resources: { cpu: 700, memory: 10, gpu: 0, storage: 0 } })],
        `dep-${i}`,
      ),
    );
    const delays = requests.map(() => [rng.int(3), rng.int(3)]);
    const yieldTimes = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
    };
    let conflicts = 0;
    const committed: Decision[] = await Promise.all(
      requests.map(async (r, i) => {
        for (let attempt = 0; ; attempt++) {
          await yieldTimes(delays[i][0]);
          const d = place(s, r, { reservations: ledger, seed });
          await yieldTimes(delays[i][1]); // the store write happens here; others commit meanwhile
          if (ledger.tryCommit(d, s).ok) return d;
          conflicts++;
          if (attempt > 50) throw new Error('no progress');
        }
      }),
    );
    const placed = committed.reduce((n, d) => n + d.assignments.length, 0);
    expect(placed).toBeLessThanOrEqual(5);
    expect(placed).toBeGreaterThanOrEqual(4);
    expect(ledger.reservedOn('last').cpu).toBe(placed * 700);
    expect(verifyDecisions(s, requests, committed).filter((v) => v.constraint === 'capacity')).toEqual([]);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('without reservations only the first committer of a site wins', () => {
    const s = snap([site('last', { allocatable: { cpu: 1000, memory: 1000, gpu: 0, storage: 0 } })]);
    const ledger = new Reservations();
    const decisions = Array.from({ length: 10 }, (_, i) =>
      place(s, req([comp('api', { resources: { cpu: 1000, memory: 1, gpu: 0, storage: 0 } })], `d${i}`)),
    );
    expect(decisions.every((d) => d.assignments.length === 1)).toBe(true);
    expect(decisions.map((d) => ledger.tryCommit(d, s).ok)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
