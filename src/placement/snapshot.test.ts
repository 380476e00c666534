// Tests for snapshot creation: defaults, derived fields, immutability, name uniqueness.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PUE, REFERENCE_PRICING } from './defaults.js';
import { site, snap } from './testing/fixtures.js';

describe('createSnapshot', () => {
  it('fills defaults and derives carbon, cleanliness and provider index', () => {
    const s = snap([site('a', { category: 'far-edge', pricing: { cpuHour: 0.5 } }), site('b', { provider: 'nobody', taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })]);
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
    ['providers', () => snap([site('a')], { providers: [{ name: 'p', headquartersCountry: 'DE' }, { name: 'p', headquartersCountry: 'FR' }] })],
  ])('rejects duplicate %s', (_what, make) => {
    expect(make).toThrow(/duplicate/);
  });
});
