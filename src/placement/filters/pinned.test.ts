// Tests for the pinned-site filter.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { pinnedFilter } from './pinned.js';

const sites = [site('a'), site('b'), site('c', { near: 'madrid' }), site('d', { near: 'paris' })];

describe('pinned filter', () => {
  it.each([
    ['no pin: inactive', undefined, null, []],
    ['pinned to b', 'b', { a: 1, b: 0, c: 1, d: 1 }, ['3 are not the pinned site b']],
    ['pinned to a missing site', 'zz', { a: 1, b: 1, c: 1, d: 1 }, ['4 rejected: pinned site zz does not exist']],
  ] as const)('%s', (_name, pin, expected, why) => {
    const h = harness(sites, comp('api', pin ? { pinnedSite: pin } : {}));
    expect(verdicts(pinnedFilter, h)).toEqual(expected);
    expect(reasons(pinnedFilter, h)).toEqual(why);
    expect(nodeContradictions(pinnedFilter, h)).toEqual([]);
  });
});
