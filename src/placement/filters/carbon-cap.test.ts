// Tests for the carbon-intensity cap filter.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { carbonCapFilter } from './carbon-cap.js';

// SE 13, FR 55, DE 301, PL 724 gCO2/kWh (2020); × PUE.
const sites = [
  site('se', { near: 'stockholm', pue: 1.1 }),
  site('fr', { near: 'paris', pue: 1.2 }),
  site('de', { pue: 1.3 }),
  site('pl', { near: 'warsaw', pue: 1.5 }),
];

describe('carbon cap filter', () => {
  it.each([
    ['no cap: inactive', undefined, null, []],
    ['cap 100', 100, { se: 0, fr: 0, de: 1, pl: 1 }, ['2 above 100 gCO2/kWh (grid intensity × PUE)']],
    [
      'cap exactly at DE × 1.3',
      301 * 1.3,
      { se: 0, fr: 0, de: 0, pl: 1 },
      ['1 above 391.3 gCO2/kWh (grid intensity × PUE)'],
    ],
    ['cap 0', 0, { se: 1, fr: 1, de: 1, pl: 1 }, ['4 above 0 gCO2/kWh (grid intensity × PUE)']],
  ] as const)('%s', (_name, cap, expected, why) => {
    const h = harness(sites, comp('api', { requirements: cap === undefined ? {} : { maxCarbonIntensity: cap } }));
    expect(verdicts(carbonCapFilter, h)).toEqual(expected);
    expect(reasons(carbonCapFilter, h)).toEqual(why);
    expect(nodeContradictions(carbonCapFilter, h)).toEqual([]);
  });
});
