// Tests for the data-locality hook filter.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, reasons, verdicts } from '../testing/harness.js';
import type { DataLocalityHook } from '../types.js';
import { dataLocalityFilter } from './data-locality.js';

const sites = [site('de'), site('es', { near: 'madrid' }), site('fr', { near: 'paris' })];
const onlyDe: DataLocalityHook = {
  check: ({ site }) => (site.country === 'DE' ? undefined : `are away from dataset sales (${site.country})`),
};

describe('data locality hook filter', () => {
  it.each<[string, DataLocalityHook | undefined, Record<string, number> | null, string[]]>([
    ['no hook: inactive', undefined, null, []],
    [
      'dataset in DE',
      onlyDe,
      { de: 0, es: 1, fr: 2 },
      ['1 are away from dataset sales (ES)', '1 are away from dataset sales (FR)'],
    ],
    ['hook accepting all', { check: () => undefined }, { de: 0, es: 0, fr: 0 }, []],
  ])('%s', (_name, hook, expected, why) => {
    const h = harness(sites, comp('etl'), hook ? { hooks: { dataLocality: hook } } : {});
    expect(verdicts(dataLocalityFilter, h)).toEqual(expected);
    expect(reasons(dataLocalityFilter, h)).toEqual(why);
  });
});
