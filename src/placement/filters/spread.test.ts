// Tests for the spread (anti-affinity) filter across sites and providers.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, reasons, verdicts } from '../testing/harness.js';
import { spreadFilter } from './spread.js';

const sites = [site('a'), site('b'), site('c', { provider: 'edge-telco' })];

describe('spread filter', () => {
  it.each([
    ['no spread: inactive', {}, null, []],
    ['sites', { sites: true }, { a: 1, b: 0, c: 0 }, ['1 already host a replica of api']],
    [
      'providers',
      { providers: true },
      { a: 2, b: 2, c: 0 },
      ['2 belong to providers already hosting a replica of api'],
    ],
    [
      'both',
      { sites: true, providers: true },
      { a: 1, b: 2, c: 0 },
      ['1 already host a replica of api', '1 belong to providers already hosting a replica of api'],
    ],
  ] as const)('%s after one replica on a', (_name, spread, expected, why) => {
    const h = harness(sites, comp('api', { requirements: { spread } }));
    h.ctx.use(h.snapshot.siteByName('a')!, h.plan.component);
    expect(verdicts(spreadFilter, h)).toEqual(expected);
    expect(reasons(spreadFilter, h)).toEqual(why);
  });

  it('only counts replicas of the same component', () => {
    const h = harness(sites, comp('api', { requirements: { spread: { sites: true } } }));
    h.ctx.use(h.snapshot.siteByName('a')!, comp('other'));
    expect(verdicts(spreadFilter, h)).toEqual({ a: 0, b: 0, c: 0 });
  });
});
