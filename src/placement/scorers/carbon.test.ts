// Tests for the carbon scorer (grid intensity of the site's country × PUE).
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { boundViolations, harness, scores } from '../testing/harness.js';
import { carbonScore, carbonScorer } from './carbon.js';

describe('carbon scorer', () => {
  it.each([
    ['Sweden, PUE 1.1', 'stockholm', 1.1, 13 * 1.1],
    ['France, PUE 1.2', 'paris', 1.2, 55 * 1.2],
    ['Poland, PUE 1.5', 'warsaw', 1.5, 724 * 1.5],
  ] as const)('%s', (_name, near, pue, intensity) => {
    const h = harness([site('x', { near, pue }), site('y', { near: 'berlin', pue: 1.3 })], comp('api'));
    expect(scores(carbonScorer, h)!.x).toBeCloseTo(carbonScore(intensity), 9);
    expect(boundViolations(carbonScorer, h)).toEqual([]);
  });

  it('scores 50 at 200 gCO2/kWh and prefers cleaner sites', () => {
    expect(carbonScore(200)).toBe(50);
    expect(carbonScore(14)).toBeGreaterThan(carbonScore(1086));
  });
});
