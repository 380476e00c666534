// Tests for the site index: every site in exactly one leaf, roots homogeneous, aggregates exact, deterministic.
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../model/index.js';
import { greatCircleKm } from '../topology/latency.js';
import { Prng } from './prng.js';
import { leaves } from './site-index.js';
import type { IndexNode } from './site-index.js';
import { site, snap } from './testing/fixtures.js';
import type { SiteInput } from './types.js';

function randomSites(n: number, seed: number): SiteInput[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, (_, i) =>
    site(`s${i}`, {
      category: rng.pick(CATEGORIES),
      country: rng.pick(['DE', 'FR', 'ES']),
      latitude: rng.range(36, 60),
      longitude: rng.range(-9, 25),
      provider: rng.pick(['eu-cloud', 'edge-telco', 'us-hyper', 'unknown']),
      allocatable: { cpu: 1000 * (1 + rng.int(16)), memory: 1024 * (1 + rng.int(32)), gpu: rng.int(3), storage: 1024 },
      allocated: { cpu: 100 * rng.int(10), memory: 100 * rng.int(10), gpu: 0, storage: 0 },
      pricing: { cpuHour: rng.range(0.01, 0.1) },
      ready: rng.next() > 0.1,
    }),
  );
}

describe('site index', () => {
  it.each([
    [1, 16],
    [50, 4],
    [300, 16],
    [1000, 8],
  ])('%d sites, leaf size %d', (n, leafSize) => {
    const s = snap(randomSites(n, n), { leafSize });
    const seen = new Set<number>();
    for (const root of s.index.roots) {
      const check = (node: IndexNode) => {
        const members = Array.from(s.index.order.subarray(node.start, node.end), (i) => s.sites[i]);
        expect(members.every((m) => m.country === root.country && m.category === root.category)).toBe(true);
        for (const m of members) expect(greatCircleKm(node, m)).toBeLessThanOrEqual(node.radiusKm + 1e-9);
        expect(node.maxFreeCpu).toBe(Math.max(...members.map((m) => m.allocatable.cpu - m.allocated.cpu)));
        expect(node.minCpuHour).toBe(Math.min(...members.map((m) => m.pricing.cpuHour)));
        expect(node.allClean).toBe(members.every((m) => m.clean));
        if (node.left && node.right) {
          expect([node.left.start, node.left.end, node.right.end]).toEqual([node.start, node.right.start, node.end]);
          check(node.left);
          check(node.right);
        } else expect(node.count).toBeLessThanOrEqual(leafSize);
      };
      check(root.node);
      for (const leaf of leaves(root.node)) for (let p = leaf.start; p < leaf.end; p++) seen.add(s.index.order[p]);
    }
    expect(seen.size).toBe(n);
    for (let i = 0; i < n; i++) expect(s.index.order[s.index.positionOf[i]]).toBe(i);
  });

  it('is deterministic for the same input', () => {
    const a = snap(randomSites(500, 9));
    const b = snap(randomSites(500, 9));
    expect(Array.from(a.index.order)).toEqual(Array.from(b.index.order));
    expect(a.index.nodeCount).toBe(b.index.nodeCount);
  });
});
