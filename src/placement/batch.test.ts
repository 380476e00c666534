// Tests for batch placement: beats the greedy trap, matches brute force on tiny instances, respects reservations.
import { describe, expect, it } from 'vitest';
import { buildBatchModel } from './batch-model.js';
import { placeBatch } from './batch.js';
import { UNPLACED_PENALTY } from './defaults.js';
import { place } from './engine.js';
import { Prng } from './prng.js';
import { Reservations } from './reservations.js';
import { comp, req, site, snap } from './testing/fixtures.js';
import type { PlacementRequest, Snapshot } from './types.js';
import { verifyDecisions } from './verify.js';

const cap = (cpu: number) => ({ cpu, memory: 65536, gpu: 0, storage: 0 });
const res = (cpu: number) => ({ cpu, memory: 100, gpu: 0, storage: 0 });

/** Exact optimum by enumeration (tiny instances only). */
function bruteForce(s: Snapshot, requests: PlacementRequest[]): number {
  const m = buildBatchModel(s, requests, { seed: 0, candidates: Infinity, exhaustive: true });
  const free = new Map(s.sites.map((x) => [x.index, x.allocatable.cpu - x.allocated.cpu]));
  let best = Infinity;
  const walk = (i: number, cost: number, used: Map<string, Set<number>>) => {
    if (cost >= best) return;
    if (i === m.items.length) return void (best = cost);
    const it = m.items[i];
    walk(i + 1, cost + UNPLACED_PENALTY, used);
    const key = `${it.request}/${it.component.name}`;
    const spread = it.component.requirements.spread?.sites;
    for (const c of it.candidates) {
      const f = free.get(c.site.index)!;
      if (it.component.resources.cpu > f || (spread && used.get(key)?.has(c.site.index))) continue;
      free.set(c.site.index, f - it.component.resources.cpu);
      const u = new Map(used);
      u.set(key, new Set([...(used.get(key) ?? []), c.site.index]));
      walk(i + 1, cost + c.cost, u);
      free.set(c.site.index, f);
    }
  };
  walk(0, 0, new Map());
  return best;
}

describe('placeBatch', () => {
  it('escapes the greedy trap that online placement falls into', () => {
    // Both want the Berlin site; only the first can also use Paris. Online, the first takes Berlin and the second is left out.
    const s = snap([
      site('berlin', { allocatable: cap(1000) }),
      site('paris', { near: 'paris', allocatable: cap(1000) }),
    ]);
    const flexible = req(
      [comp('api', { resources: res(1000), groups: [{ area: 'berlin', replicas: 1, latency: [] }] })],
      'flexible',
    );
    const picky = req(
      [
        comp('api', {
          resources: res(1000),
          requirements: { jurisdiction: { allowedCountries: ['DE'] } },
          groups: [{ area: 'berlin', replicas: 1, latency: [] }],
        }),
      ],
      'picky',
    );
    const ledger = new Reservations();
    const online = [flexible, picky].map((r) => {
      const d = place(s, r, { reservations: ledger });
      ledger.tryCommit(d, s);
      return d;
    });
    expect(online[1].unplaced).toEqual(['api/0@berlin']);
    const batch = placeBatch(s, [flexible, picky]);
    expect(batch.decisions.map((d) => d.assignments.map((a) => a.site))).toEqual([['paris'], ['berlin']]);
    expect(verifyDecisions(s, [flexible, picky], batch.decisions)).toEqual([]);
    expect(batch.objective).toBeLessThan(online.reduce((x, d) => x + d.objective, 0));
  });

  it.each([1, 2, 3, 4, 5, 6])('matches the brute-force optimum on a tiny tight instance (seed %d)', (seed) => {
    const rng = new Prng(seed);
    const areas = ['berlin', 'madrid', 'paris', 'warsaw'] as const;
    const s = snap(
      areas.map((a, i) =>
        site(`s${i}`, {
          near: a,
          allocatable: cap(1000 + 500 * rng.int(4)),
          pricing: { cpuHour: rng.range(0.01, 0.1) },
        }),
      ),
    );
    const requests = Array.from({ length: 6 }, (_, i) =>
      req(
        [
          comp('c', {
            resources: res(250 * (1 + rng.int(4))),
            replicas: 1,
            groups: [{ area: rng.pick(areas), replicas: i === 0 ? 2 : 1, latency: [] }],
            requirements: i === 0 ? { spread: { sites: true } } : {},
          }),
        ],
        `d${i}`,
      ),
    );
    const batch = placeBatch(s, requests, { seed });
    expect(verifyDecisions(s, requests, batch.decisions)).toEqual([]);
    const optimum = bruteForce(s, requests);
    expect(batch.objective).toBeLessThanOrEqual(optimum * 1.01 + 1e-9);
    expect(batch.objective).toBeGreaterThanOrEqual(optimum - 1e-9);
    expect(batch.lowerBound).toBeLessThanOrEqual(optimum + 1e-6);
  });

  it('keeps out of capacity reserved by decisions outside the batch, but not its own', () => {
    const s = snap([site('a', { allocatable: cap(1000) }), site('b', { near: 'paris', allocatable: cap(1000) })]);
    const outsider = place(s, req([comp('x', { resources: res(1000), pinnedSite: 'a' })], 'outsider'));
    const mine = place(
      s,
      req([comp('api', { resources: res(1000), groups: [{ area: 'berlin', replicas: 1, latency: [] }] })], 'mine'),
    );
    const ledger = new Reservations();
    expect(ledger.tryCommit(outsider, s).ok).toBe(true);
    const r = req(
      [comp('api', { resources: res(1000), groups: [{ area: 'berlin', replicas: 1, latency: [] }] })],
      'mine',
    );
    expect(placeBatch(s, [r], { reservations: ledger }).decisions[0].assignments[0].site).toBe('b');
    ledger.release(outsider);
    expect(ledger.tryCommit(mine, s).ok).toBe(true);
    expect(placeBatch(s, [r], { reservations: ledger }).decisions[0].assignments[0].site).toBe('a');
  });

  it('falls back to one-by-one placement when a quota hook must see running totals', () => {
    const s = snap([site('a'), site('b')]);
    const requests = [req([comp('api', { replicas: 2 })], 'one'), req([comp('api', { replicas: 2 })], 'two')];
    const hook = {
      check: ({ placed }: { placed: { cpu: number } }) => (placed.cpu >= 500 ? 'exceed the quota' : undefined),
    };
    const r = placeBatch(s, requests, { hooks: { quota: hook } });
    expect(r.decisions.map((d) => d.unplaced)).toEqual([['api/1'], ['api/1']]);
    expect(verifyDecisions(s, requests, r.decisions)).toEqual([]);
  });
});
