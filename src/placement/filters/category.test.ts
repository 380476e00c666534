// Tests for the category filter.
import { describe, expect, it } from 'vitest';
import type { Category } from '../../model/index.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { categoryFilter } from './category.js';

const sites = [
  site('cloud', { category: 'cloud' }),
  site('metro', { category: 'metro-edge' }),
  site('far', { category: 'far-edge' }),
  site('far2', { category: 'far-edge' }),
];

describe('category filter', () => {
  it.each([
    ['no requirement: inactive', undefined, null, []],
    ['all five allowed: inactive', ['cloud', 'metro-edge', 'near-edge', 'far-edge', 'near-premise'], null, []],
    [
      'edge only',
      ['far-edge', 'near-edge'],
      { cloud: 1, metro: 1, far: 0, far2: 0 },
      ['2 not in allowed categories (far-edge, near-edge)'],
    ],
    ['nothing allowed', [], { cloud: 1, metro: 1, far: 1, far2: 1 }, ['4 not in allowed categories ()']],
  ] as const)('%s', (_name, allowed, expected, why) => {
    const h = harness(
      sites,
      comp('api', { requirements: allowed ? { categories: { allowed: [...allowed] as Category[] } } : {} }),
    );
    expect(verdicts(categoryFilter, h)).toEqual(expected);
    expect(reasons(categoryFilter, h)).toEqual(why);
    expect(nodeContradictions(categoryFilter, h)).toEqual([]);
  });
});
