// Tests for the jurisdiction filter (allowed, denied, EU-only).
import { describe, expect, it } from 'vitest';
import type { Requirements } from '../../model/index.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { jurisdictionFilter } from './jurisdiction.js';

const sites = [
  site('de'),
  site('es', { near: 'madrid' }),
  site('fr', { near: 'paris' }),
  site('ch', { country: 'CH' }),
  site('gb', { country: 'gb' }),
];
type J = Requirements['jurisdiction'];

describe('jurisdiction filter', () => {
  it.each<[string, J, Record<string, number> | null, string[]]>([
    ['none: inactive', undefined, null, []],
    ['empty object: inactive', {}, null, []],
    [
      'allowed DE, FR',
      { allowedCountries: ['DE', 'FR'] },
      { de: 0, es: 1, fr: 0, ch: 1, gb: 1 },
      ['3 outside allowed countries'],
    ],
    ['denied ES', { deniedCountries: ['ES'] }, { de: 0, es: 2, fr: 0, ch: 0, gb: 0 }, ['1 in denied countries']],
    ['EU only (CH and GB are not EU)', { euOnly: true }, { de: 0, es: 0, fr: 0, ch: 3, gb: 3 }, ['2 outside the EU']],
    [
      'allowed checked before denied and EU',
      { allowedCountries: ['DE', 'ES', 'CH'], deniedCountries: ['ES'], euOnly: true },
      { de: 0, es: 2, fr: 1, ch: 3, gb: 1 },
      ['2 outside allowed countries', '1 in denied countries', '1 outside the EU'],
    ],
  ])('%s', (_name, j, expected, why) => {
    const h = harness(sites, comp('api', { requirements: j ? { jurisdiction: j } : {} }));
    expect(verdicts(jurisdictionFilter, h)).toEqual(expected);
    expect(reasons(jurisdictionFilter, h).sort()).toEqual([...why].sort());
    expect(nodeContradictions(jurisdictionFilter, h)).toEqual([]);
  });
});
