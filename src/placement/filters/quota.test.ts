// Tests for the tenant-quota hook filter.
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, reasons, verdicts } from '../testing/harness.js';
import type { QuotaHook } from '../types.js';
import { quotaFilter } from './quota.js';

const sites = [site('a'), site('b', { category: 'cloud' })];
/** At most 1 core for the tenant, and no cloud. */
const quota: QuotaHook = {
  check: ({ component, site, placed }) =>
    placed.cpu + component.resources.cpu > 1000
      ? 'exceed the tenant cpu quota'
      : site.category === 'cloud'
        ? 'are cloud sites the tenant may not use'
        : undefined,
};

describe('quota hook filter', () => {
  it.each<[string, QuotaHook | undefined, number, Record<string, number> | null, string[]]>([
    ['no hook: inactive', undefined, 0, null, []],
    ['first replica', quota, 0, { a: 0, b: 1 }, ['1 are cloud sites the tenant may not use']],
    ['after two replicas the quota is spent', quota, 2, { a: 1, b: 1 }, ['2 exceed the tenant cpu quota']],
  ])('%s', (_name, hook, already, expected, why) => {
    const h = harness(sites, comp('api'), hook ? { hooks: { quota: hook } } : {});
    for (let i = 0; i < already; i++) h.ctx.use(h.snapshot.siteByName('a')!, h.plan.component);
    expect(verdicts(quotaFilter, h)).toEqual(expected);
    expect(reasons(quotaFilter, h)).toEqual(why);
  });
});
