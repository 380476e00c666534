// Tests for the per-replica price cap filter.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { maxPriceFilter } from './max-price.js';

// 2 cores and 4 GiB: cheap = 2·0.02 + 4·0.002 = 0.048/h; dear = 2·0.1 + 4·0.01 = 0.24/h; default = 0.08 + 0.02 = 0.1/h.
const sites = [
  site('cheap', { pricing: { cpuHour: 0.02, memoryGiBHour: 0.002 } }),
  site('dear', { pricing: { cpuHour: 0.1, memoryGiBHour: 0.01 } }),
  site('default'),
];

describe('max price filter', () => {
  it.each([
    ['no cap: inactive', undefined, null, []],
    ['cap 0.1', 0.1, { cheap: 0, dear: 1, default: 0 }, ['1 charge more than 0.1/h for one replica']],
    ['cap 0.05', 0.05, { cheap: 0, dear: 1, default: 1 }, ['2 charge more than 0.05/h for one replica']],
  ] as const)('%s', (_name, cap, expected, why) => {
    const h = harness(
      sites,
      comp('api', {
        resources: { cpu: 2000, memory: 4096, gpu: 0, storage: 0 },
        requirements: cap === undefined ? {} : { maxPricePerHour: cap },
      }),
    );
    expect(verdicts(maxPriceFilter, h)).toEqual(expected);
    expect(reasons(maxPriceFilter, h)).toEqual(why);
    expect(nodeContradictions(maxPriceFilter, h)).toEqual([]);
  });
});
