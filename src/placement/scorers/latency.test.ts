// Tests for the latency scorer: which areas count, the curve, and the cell bound.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { boundViolations, harness, scores } from '../testing/harness.js';
import { latencyScore, latencyScorer } from './latency.js';
import type { ReplicaGroup } from '../types.js';

const sites = [
  site('ber-far', { category: 'far-edge' }),
  site('ber-cloud', { category: 'cloud' }),
  site('mad-far', { near: 'madrid', category: 'far-edge' }),
  site('par-near', { near: 'paris' }),
];

describe('latency scorer', () => {
  it.each([
    [0, 100],
    [20, 50],
    [60, 25],
    [-1, 100],
  ])('latencyScore(%d ms) = %d', (ms, expected) => {
    expect(latencyScore(ms)).toBeCloseTo(expected, 9);
  });

  it.each<[string, ReplicaGroup, Record<string, number> | null]>([
    ['no area and no bounds: not applicable', { replicas: 1, latency: [] }, null],
    [
      'the group area counts',
      { area: 'berlin', replicas: 1, latency: [] },
      { 'ber-far': latencyScore(2), 'ber-cloud': latencyScore(10) },
    ],
    [
      'without an area, the worst bound area counts',
      {
        replicas: 1,
        latency: [
          { area: 'berlin', maxMs: 100 },
          { area: 'madrid', maxMs: 100 },
        ],
      },
      {},
    ],
  ])('%s', (_name, group, expected) => {
    const h = harness(sites, comp('api', { groups: [group] }));
    const s = scores(latencyScorer, h);
    if (expected === null) return expect(s).toBeNull();
    for (const [name, v] of Object.entries(expected)) {
      expect(s![name]).toBeCloseTo(v, 9);
    }
    if (!group.area) {
      const mad = h.snapshot.siteByName('mad-far')!;
      const worst = Math.max(
        h.snapshot.latencyMs(h.snapshot.areaByName('berlin')!, mad),
        h.snapshot.latencyMs(h.snapshot.areaByName('madrid')!, mad),
      );
      expect(s!['mad-far']).toBeCloseTo(latencyScore(worst), 9);
    }
    expect(boundViolations(latencyScorer, h)).toEqual([]);
  });
});
