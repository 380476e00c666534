// Tests for the synthetic topology and request generators, and engine/baseline agreement on a mid-size continuum.
import { describe, expect, it } from 'vitest';
import { createSnapshot, place, placeExhaustive, verifyDecisions } from '../../src/placement/index.js';
import { generateRequests, generateTopology } from './generator.js';
import { tightInstance } from './tight.js';

describe('synthetic European topology', () => {
  it('is deterministic per seed and spans every category', () => {
    const a = generateTopology({ sites: 500, seed: 3 });
    expect(generateTopology({ sites: 500, seed: 3 })).toEqual(a);
    expect(generateTopology({ sites: 500, seed: 4 })).not.toEqual(a);
    expect(a.sites).toHaveLength(500);
    expect(new Set(a.sites.map((s) => s.category)).size).toBe(5);
    expect(new Set(a.sites.map((s) => s.name)).size).toBe(500);
    expect(a.sites.every((s) => s.latitude > 30 && s.latitude < 65 && s.longitude > -12 && s.longitude < 36)).toBe(
      true,
    );
  });

  it('requests are deterministic and cover the mix', () => {
    const r = generateRequests(200, 1);
    expect(generateRequests(200, 1)).toEqual(r);
    expect(new Set(r.map((x) => x.components[0].name))).toEqual(new Set(['api', 'svc', 'train', 'job']));
  });

  it('the indexed engine and the exhaustive baseline decide identically on 3000 sites', () => {
    const s = createSnapshot(generateTopology({ sites: 3000, seed: 8 }));
    for (const r of generateRequests(40, 9)) {
      const d = place(s, r, { seed: 5 });
      expect(placeExhaustive(s, r, { seed: 5 }).assignments).toEqual(d.assignments);
      expect(verifyDecisions(s, [r], [d])).toEqual([]);
    }
  });

  it('tight instances ask for about the requested share of cpu', () => {
    const t = tightInstance({ sites: 20, replicas: 100, seed: 1, tightness: 0.8 });
    const replicas = t.requests.reduce((n, r) => n + r.components[0].groups[0].replicas, 0);
    expect(replicas).toBe(100);
    const asked = t.requests.reduce(
      (n, r) => n + r.components[0].resources.cpu * r.components[0].groups[0].replicas,
      0,
    );
    const total = t.input.sites.reduce((n, s) => n + s.allocatable.cpu, 0);
    expect(asked / total).toBeGreaterThan(0.6);
    expect(asked / total).toBeLessThan(1);
  });
});
