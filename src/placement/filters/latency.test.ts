// Tests for the latency-bound filter, with modelled and measured (physics-bounded) latency.
import { describe, expect, it } from 'vitest';
import { greatCircleKm, modelRttMs } from '../../topology/latency.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { latencyFilter } from './latency.js';
import type { LatencyBound, SnapshotArea, SnapshotSite } from '../types.js';

const sites = [
  site('ber-far', { category: 'far-edge' }),
  site('ber-cloud', { category: 'cloud' }),
  site('mad-far', { near: 'madrid', category: 'far-edge' }),
  site('par-near', { near: 'paris' }),
];

describe('latency filter', () => {
  it('uses the topology model: access latency by category plus fibre distance', () => {
    const h = harness(sites, comp('api'));
    const berlin = h.snapshot.areaByName('berlin')!;
    expect(h.snapshot.latencyMs(berlin, h.snapshot.siteByName('ber-far')!)).toBe(2);
    expect(h.snapshot.latencyMs(berlin, h.snapshot.siteByName('par-near')!)).toBeCloseTo(
      modelRttMs(berlin, h.snapshot.siteByName('par-near')!, 'near-edge'),
      9,
    );
  });

  it.each<[string, LatencyBound[], Record<string, number> | null, string[]]>([
    ['no bounds: inactive', [], null, []],
    [
      '5 ms from Berlin',
      [{ area: 'berlin', maxMs: 5 }],
      { 'ber-far': 0, 'ber-cloud': 1, 'mad-far': 1, 'par-near': 1 },
      ['3 over 5 ms from Berlin'],
    ],
    [
      '30 ms from Berlin and 10 ms from Madrid',
      [
        { area: 'berlin', maxMs: 30 },
        { area: 'madrid', maxMs: 10 },
      ],
      { 'ber-far': 2, 'ber-cloud': 2, 'mad-far': 1, 'par-near': 2 },
      ['3 over 10 ms from Madrid', '1 over 30 ms from Berlin'],
    ],
    [
      'unknown area rejects everything',
      [{ area: 'atlantis', maxMs: 50 }],
      { 'ber-far': 1, 'ber-cloud': 1, 'mad-far': 1, 'par-near': 1 },
      ['4 rejected: user area atlantis is unknown'],
    ],
  ])('%s', (_name, latency, expected, why) => {
    const h = harness(sites, comp('api', { groups: [{ replicas: 1, latency }] }));
    expect(verdicts(latencyFilter, h)).toEqual(expected);
    expect(reasons(latencyFilter, h).sort()).toEqual([...why].sort());
    expect(nodeContradictions(latencyFilter, h)).toEqual([]);
  });

  it('cell claims stay sound for measured latency bounded only by physics', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      site(`s${i}`, { latitude: 40 + i * 0.4, longitude: -3 + i * 0.6, category: 'far-edge' }),
    );
    // A "measured" latency: never below light in fibre over the great circle, otherwise arbitrary.
    const measured = (a: SnapshotArea, s: SnapshotSite) => (2 * greatCircleKm(a, s)) / 200 + (s.hash % 7);
    for (const maxMs of [3, 8, 15, 40]) {
      const h = harness(many, comp('api', { groups: [{ replicas: 1, latency: [{ area: 'berlin', maxMs }] }] }), {
        latency: { fn: measured, bound: 'physics' },
      });
      expect(nodeContradictions(latencyFilter, h)).toEqual([]);
      const v = verdicts(latencyFilter, h)!;
      expect(Object.values(v).filter((x) => x === 0).length).toBe(
        h.snapshot.sites.filter((s) => measured(h.snapshot.areaByName('berlin')!, s) <= maxMs).length,
      );
    }
  });
});
