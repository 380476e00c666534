// Tests for the provider-attributes filter (headquarters, certifications, attributes).
import { describe, expect, it } from 'vitest';
import type { Requirements } from '../../model/index.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { providerFilter } from './provider.js';

// eu-cloud: DE, ISO27001 + EUCS-high, tier=gold; edge-telco: ES, ISO27001; us-hyper: US, ISO27001 + SOC2.
const sites = [
  site('eu1'),
  site('eu2'),
  site('telco', { provider: 'edge-telco' }),
  site('us', { provider: 'us-hyper' }),
  site('ghost', { provider: 'nobody' }),
];
type P = Requirements['providerAttributes'];

describe('provider filter', () => {
  it.each<[string, P, Record<string, number> | null, string[]]>([
    ['none: inactive', undefined, null, []],
    [
      'headquarters in DE or ES',
      { headquartersCountries: ['DE', 'ES'] },
      { eu1: 0, eu2: 0, telco: 0, us: 1, ghost: 5 },
      ['1 run by providers headquartered outside DE, ES', '1 have no known provider'],
    ],
    [
      'headquarters in the EU',
      { headquartersEU: true },
      { eu1: 0, eu2: 0, telco: 0, us: 2, ghost: 5 },
      ['1 run by providers headquartered outside the EU', '1 have no known provider'],
    ],
    [
      'certified ISO27001 and EUCS-high',
      { certifications: ['ISO27001', 'EUCS-high'] },
      { eu1: 0, eu2: 0, telco: 3, us: 3, ghost: 5 },
      ['2 run by providers without ISO27001 + EUCS-high', '1 have no known provider'],
    ],
    [
      'attribute tier=gold',
      { attributes: { tier: 'gold' } },
      { eu1: 0, eu2: 0, telco: 4, us: 4, ghost: 5 },
      ['2 run by providers without tier=gold', '1 have no known provider'],
    ],
  ])('%s', (_name, pa, expected, why) => {
    const h = harness(sites, comp('api', { requirements: pa ? { providerAttributes: pa } : {} }));
    expect(verdicts(providerFilter, h)).toEqual(expected);
    expect(reasons(providerFilter, h)).toEqual(why);
    expect(nodeContradictions(providerFilter, h)).toEqual([]);
  });
});
