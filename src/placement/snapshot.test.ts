// Tests for snapshot creation: defaults, derived fields, immutability, name uniqueness.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PUE, REFERENCE_PRICING } from './defaults.js';
import { modelRttMs } from '../topology/latency.js';
import { place, placeExhaustive } from './engine.js';
import { matrixLatency } from './snapshot.js';
import { comp, req, site, snap } from './testing/fixtures.js';

describe('createSnapshot', () => {
  it('fills defaults and derives carbon, cleanliness and provider index', () => {
    const s = snap([
      site('a', { category: 'far-edge', pricing: { cpuHour: 0.5 } }),
      site('b', { provider: 'nobody', taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
    ]);
    const a = s.siteByName('a')!;
    expect(a.pue).toBe(DEFAULT_PUE['far-edge']);
    expect(a.carbonIntensity).toBeCloseTo(301 * DEFAULT_PUE['far-edge'], 9);
    expect(a.pricing).toEqual({ ...REFERENCE_PRICING, cpuHour: 0.5 });
    expect(a.runtimes).toEqual(['process']);
    expect(a.clean).toBe(true);
    expect(a.providerIndex).toBe(0);
    const b = s.siteByName('b')!;
    expect(b.providerIndex).toBe(-1);
    expect(b.clean).toBe(true);
    expect(s.areaByName('madrid')!.label).toBe('Madrid');
  });

  it('takes measured latency from a matrix, with the model for missing pairs, and still places exactly', () => {
    const sites = [site('near', { category: 'far-edge' }), site('far', { near: 'madrid', category: 'far-edge' })];
    const s = snap(sites, { latency: { fn: matrixLatency({ berlin: { near: 40 } }), bound: 'physics' } });
    const berlin = s.areaByName('berlin')!;
    expect(s.latencyMs(berlin, s.siteByName('near')!)).toBe(40);
    expect(s.latencyMs(berlin, s.siteByName('far')!)).toBeCloseTo(
      modelRttMs(berlin, s.siteByName('far')!, 'far-edge'),
      9,
    );
    // The measured 40 ms breaks the 35 ms bound, although the model would say 2 ms for this site.
    const r = req([
      comp('api', { groups: [{ area: 'berlin', replicas: 1, latency: [{ area: 'berlin', maxMs: 35 }] }] }),
    ]);
    expect(place(s, r).assignments[0].site).toBe('far');
    expect(place(s, r).explanation[0].reasons).toEqual(['1 over 35 ms from Berlin']);
    expect(place(s, r).assignments).toEqual(placeExhaustive(s, r).assignments);
  });

  it('is frozen', () => {
    const s = snap([site('a')]);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.sites)).toBe(true);
    expect(Object.isFrozen(s.sites[0])).toBe(true);
    expect(Object.isFrozen(s.sites[0].allocatable)).toBe(true);
    expect(() => ((s.sites[0] as { name: string }).name = 'x')).toThrow();
  });

  it.each([
    ['sites', () => snap([site('a'), site('a')])],
    [
      'providers',
      () =>
        snap([site('a')], {
          providers: [
            { name: 'p', headquartersCountry: 'DE' },
            { name: 'p', headquartersCountry: 'FR' },
          ],
        }),
    ],
  ])('rejects duplicate %s', (_what, make) => {
    expect(make).toThrow(/duplicate/);
  });
});
