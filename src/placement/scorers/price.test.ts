// Tests for the price scorer: site price list × requested resources against the reference price.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { boundViolations, harness, scores } from '../testing/harness.js';
import type { Amounts } from '../types.js';
import { priceScore, priceScorer } from './price.js';

const sites = [
  site('free', { pricing: { cpuHour: 0, memoryGiBHour: 0, gpuHour: 0, storageGiBHour: 0 } }),
  site('reference'),
  site('double', { pricing: { cpuHour: 0.08, memoryGiBHour: 0.01, gpuHour: 2.4, storageGiBHour: 0.0004 } }),
];

describe('price scorer', () => {
  it.each<[string, Amounts, Record<string, number> | null]>([
    ['2 cores 4 GiB', { cpu: 2000, memory: 4096, gpu: 0, storage: 0 }, { free: 100, reference: 50, double: 100 / 3 }],
    ['a gpu job', { cpu: 1000, memory: 1024, gpu: 1, storage: 10240 }, { free: 100, reference: 50, double: 100 / 3 }],
    ['nothing requested: not applicable', { cpu: 0, memory: 0, gpu: 0, storage: 0 }, null],
  ])('%s', (_name, resources, expected) => {
    const h = harness(sites, comp('api', { resources }));
    const s = scores(priceScorer, h);
    if (expected === null) return expect(s).toBeNull();
    for (const [name, v] of Object.entries(expected)) expect(s![name]).toBeCloseTo(v, 9);
    expect(boundViolations(priceScorer, h)).toEqual([]);
  });

  it('is monotone in price', () => {
    expect(priceScore(0.1, 0.1)).toBe(50);
    expect(priceScore(0.05, 0.1)).toBeGreaterThan(priceScore(0.2, 0.1));
  });
});
