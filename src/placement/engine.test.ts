// Tests for place(): explanations, preference tiers with overflow, spread, pinning, seeds, and the status shape.
import { describe, expect, it } from 'vitest';
import { DeploymentKind, validateObject } from '../model/index.js';
import { place, placeExhaustive, toPlacementStatus } from './engine.js';
import { comp, req, site, snap } from './testing/fixtures.js';
import { deployment, stored } from '../model/testing/index.js';
import type { SiteInput } from './types.js';

const gi = (n: number) => n * 1024;

describe('place', () => {
  it('explains a failure in plain words, counting each site under its first failing filter', () => {
    const sites: SiteInput[] = [
      ...Array.from({ length: 12 }, (_, i) => site(`fr-${i}`, { near: 'paris' })),
      ...Array.from({ length: 5 }, (_, i) => site(`bcn-${i}`, { country: 'ES', latitude: 41.39, longitude: 2.17 })),
      ...Array.from({ length: 3 }, (_, i) =>
        site(`mad-${i}`, { near: 'madrid', allocatable: { cpu: 4000, memory: gi(2), gpu: 0, storage: 0 } }),
      ),
    ];
    const api = comp('api', {
      resources: { cpu: 500, memory: gi(4), gpu: 0, storage: 0 },
      requirements: { jurisdiction: { allowedCountries: ['ES'] } },
      groups: [{ area: 'madrid', replicas: 1, latency: [{ area: 'madrid', maxMs: 10 }] }],
    });
    for (const d of [place(snap(sites), req([api])), placeExhaustive(snap(sites), req([api]))]) {
      expect(d.assignments).toEqual([]);
      expect(d.unplaced).toEqual(['api/0@madrid']);
      expect(d.explanation).toEqual([
        {
          component: 'api',
          area: 'madrid',
          candidates: 20,
          feasible: 0,
          rejected: { jurisdiction: 12, latency: 5, resources: 3 },
          reasons: ['12 outside allowed countries', '5 over 10 ms from Madrid', '3 lack memory (need 4Gi)'],
          summary:
            '0/20 sites fit component api in Madrid: 12 outside allowed countries, 5 over 10 ms from Madrid, 3 lack memory (need 4Gi); placed 0/1 replica',
        },
      ]);
      expect(d.objective).toBe(1000);
    }
  });

  it('fills preferred categories first and overflows to the fallback when they are full', () => {
    const sites = [
      site('edge', { category: 'far-edge', allocatable: { cpu: 1000, memory: gi(8), gpu: 0, storage: 0 } }),
      site('cloud', {
        category: 'cloud',
        near: 'paris',
        allocatable: { cpu: 64000, memory: gi(256), gpu: 0, storage: 0 },
      }),
      site('metro', { category: 'metro-edge' }),
    ];
    const api = comp('api', {
      replicas: 3,
      requirements: { categories: { allowed: ['far-edge', 'cloud'], preferred: ['far-edge'] } },
    });
    const d = place(snap(sites), req([api]));
    expect(d.assignments.map((a) => a.site)).toEqual(['edge', 'edge', 'cloud']);
    expect(d.explanation[0].summary).toBe(
      '1/3 sites fit component api: 1 not in allowed categories (far-edge, cloud), 1 lack cpu (need 500m); placed 3/3 replicas on edge, cloud (weights: price 30, carbon 15, balance 15)',
    );
    expect(d.explanation[0].rejected).toEqual({ category: 1, resources: 1 });
    expect(d.objective).toBeGreaterThan(101);
    expect(place(snap(sites), req([api]), { strategy: 'exhaustive' }).assignments).toEqual(d.assignments);
  });

  it('spreads replicas over sites and providers, across areas too', () => {
    const sites = [site('a'), site('b'), site('c', { provider: 'edge-telco' }), site('d', { near: 'madrid' })];
    const api = comp('api', {
      requirements: { spread: { sites: true } },
      groups: [
        { area: 'berlin', replicas: 3, latency: [] },
        { area: 'madrid', replicas: 2, latency: [] },
      ],
    });
    const d = place(snap(sites), req([api]));
    expect(new Set(d.assignments.map((a) => a.site)).size).toBe(4);
    expect(d.unplaced).toEqual(['api/4@madrid']);
    expect(d.explanation[1].reasons).toContain('4 already host a replica of api');
    const byProvider = place(
      snap(sites),
      req([comp('api', { replicas: 3, requirements: { spread: { providers: true } } })]),
    );
    expect(byProvider.assignments.map((a) => a.provider).sort()).toEqual(['edge-telco', 'eu-cloud']);
    expect(byProvider.unplaced).toEqual(['api/2']);
  });

  it('honours a pin, and explains a pin to a site that cannot take the replica', () => {
    const sites = [site('a'), site('b'), site('tiny', { allocatable: { cpu: 100, memory: 100, gpu: 0, storage: 0 } })];
    expect(place(snap(sites), req([comp('api', { pinnedSite: 'b' })])).assignments[0].site).toBe('b');
    const d = place(snap(sites), req([comp('api', { pinnedSite: 'tiny' })]));
    expect(d.explanation[0].summary).toBe(
      '0/3 sites fit component api: 2 are not the pinned site tiny, 1 lack cpu (need 500m); placed 0/1 replica',
    );
  });

  it('breaks ties by seed, deterministically', () => {
    const sites = Array.from({ length: 8 }, (_, i) => site(`twin-${i}`));
    const pick = (seed: number) => place(snap(sites), req([comp('api')]), { seed }).assignments[0].site;
    const picks = [1, 2, 3, 4, 5, 6, 7, 8].map(pick);
    expect(picks).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(pick));
    expect(new Set(picks).size).toBeGreaterThan(1);
    const withRequestSeed = place(snap(sites), { ...req([comp('api')]), seed: 3 });
    expect(withRequestSeed.seed).toBe(3);
    expect(withRequestSeed.assignments[0].site).toBe(pick(3));
  });

  it.each([
    ['price only picks the cheapest', { price: 100, latency: 0, carbon: 0, balance: 0 }, 'cheap-far'],
    ['latency only picks the nearest', { price: 0, latency: 100, carbon: 0, balance: 0 }, 'dear-near'],
    ['carbon only picks the cleanest grid', { price: 0, latency: 0, carbon: 100, balance: 0 }, 'clean'],
  ])('weights: %s', (_name, weights, expected) => {
    const sites = [
      site('cheap-far', { near: 'warsaw', pricing: { cpuHour: 0.01, memoryGiBHour: 0.001 } }),
      site('dear-near', { category: 'far-edge', pricing: { cpuHour: 0.2 } }),
      site('clean', { near: 'stockholm', pue: 1.1 }),
    ];
    const d = place(
      snap(sites),
      req([comp('api', { requirements: { weights }, groups: [{ area: 'berlin', replicas: 1, latency: [] }] })]),
    );
    expect(d.assignments[0].site).toBe(expected);
    expect(Object.keys(d.assignments[0].scores!)).toEqual(
      Object.entries(weights)
        .filter(([, w]) => w > 0)
        .map(([k]) => k),
    );
  });

  it('produces a status block the Deployment schema accepts', () => {
    const d = place(
      snap([site('a'), site('b', { near: 'madrid' })]),
      req([
        comp('api', { groups: [{ area: 'madrid', replicas: 2, latency: [{ area: 'madrid', maxMs: 20 }] }] }),
        comp('db', { replicas: 0 }),
      ]),
    );
    const status = { phase: 'Placing', placement: toPlacementStatus(d, '2026-01-01T00:00:00Z') };
    const obj = { ...stored(deployment('tenant', 'app')), status };
    expect(validateObject(DeploymentKind, obj)).toEqual([]);
    expect(d.assignments.map((a) => [a.replica, a.area, a.site])).toEqual([
      [0, 'madrid', 'b'],
      [1, 'madrid', 'b'],
    ]);
    expect(d.usage).toEqual([{ site: 'b', cpu: 1000, memory: 1024, gpu: 0, storage: 0 }]);
    expect(d.totalPricePerHour).toBeCloseTo(2 * (0.5 * 0.04 + 0.5 * 0.005), 9);
  });

  it('reports an unknown user area instead of guessing', () => {
    const d = place(
      snap([site('a')]),
      req([comp('api', { groups: [{ area: 'atlantis', replicas: 1, latency: [{ area: 'atlantis', maxMs: 10 }] }] })]),
    );
    expect(d.unplaced).toEqual(['api/0@atlantis']);
    expect(d.explanation[0].summary).toBe(
      '0/1 sites fit component api in atlantis (unknown area): 1 rejected: user area atlantis is unknown; placed 0/1 replica',
    );
  });
});
