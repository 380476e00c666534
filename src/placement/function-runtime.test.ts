// The function runtime in placement: preferred where a site offers it, process elsewhere, and explain names each.
import { describe, expect, it } from 'vitest';
import { place } from './engine.js';
import { formatExplanation } from './explain.js';
import { comp, req, site, snap } from './testing/fixtures.js';

describe('function runtime placement', () => {
  it('places [function, process] as function where offered, as process elsewhere; explain says which', () => {
    const d = place(
      snap([site('fn-site', { runtimes: ['process', 'function'] }), site('plain', { runtimes: ['process'] })]),
      req([
        comp('api', {
          runtime: 'function',
          runtimes: ['function', 'process'],
          replicas: 2,
          requirements: { spread: { sites: true } },
        }),
        comp('only-fn', { runtime: 'function', runtimes: ['function'] }),
      ]),
      { seed: 1 },
    );
    const api = Object.fromEntries(d.assignments.filter((a) => a.component === 'api').map((a) => [a.site, a.runtime]));
    expect(api).toEqual({ 'fn-site': 'function', plain: 'process' });
    expect(d.assignments.find((a) => a.component === 'only-fn')).toMatchObject({
      site: 'fn-site',
      runtime: 'function',
    });
    const lines = formatExplanation(d);
    expect(lines.some((l) => /api\/\d -> fn-site .* as function/.test(l))).toBe(true);
    expect(lines.some((l) => /api\/\d -> plain .* as process/.test(l))).toBe(true);
    expect(lines.find((l) => l.includes('component only-fn'))).toMatch(/1 offer process but not function/);
  });
});
