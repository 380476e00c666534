// Tests that the independent verifier really catches each kind of violation.
import { describe, expect, it } from 'vitest';
import { place } from './engine.js';
import { comp, req, site, snap } from './testing/fixtures.js';
import type { Assignment, Decision, RequestComponent } from './types.js';
import { verifyDecisions } from './verify.js';

const s = snap([
  site('de'),
  site('de2'),
  site('fr', { near: 'paris', provider: 'us-hyper' }),
  site('ch', { country: 'CH', category: 'cloud' }),
  site('down', { ready: false }),
  site('full', { allocatable: { cpu: 600, memory: 8192, gpu: 0, storage: 0 } }),
  site('k8s', { runtimes: ['kubernetes'] }),
  site('pl', { near: 'warsaw', pricing: { cpuHour: 1 } }),
]);

function decisionFor(c: RequestComponent, sites: string[]): [Decision, ReturnType<typeof req>] {
  const r = req([c]);
  const base = place(s, req([comp('noop', { replicas: 0 })]));
  const assignments: Assignment[] = sites.map((site, i) => ({
    component: c.name,
    replica: i,
    ...(c.groups[0].area ? { area: c.groups[0].area } : {}),
    site,
  }));
  return [{ ...base, namespace: r.namespace, name: r.name, assignments, unplaced: [] }, r];
}

describe('verifyDecisions', () => {
  it.each<[string, RequestComponent, string[], string[]]>([
    ['valid', comp('api'), ['de'], []],
    ['jurisdiction', comp('api', { requirements: { jurisdiction: { euOnly: true } } }), ['ch'], ['jurisdiction']],
    ['category', comp('api', { requirements: { categories: { allowed: ['near-edge'] } } }), ['ch'], ['category']],
    ['provider', comp('api', { requirements: { providerAttributes: { headquartersEU: true } } }), ['fr'], ['provider']],
    [
      'latency',
      comp('api', { groups: [{ replicas: 1, latency: [{ area: 'berlin', maxMs: 5 }] }] }),
      ['fr'],
      ['latency'],
    ],
    ['runtime', comp('api'), ['k8s'], ['runtime']],
    ['taints', comp('api'), ['down'], ['taints']],
    ['price', comp('api', { requirements: { maxPricePerHour: 0.1 } }), ['pl'], ['price']],
    ['carbon', comp('api', { requirements: { maxCarbonIntensity: 500 } }), ['pl'], ['carbon']],
    ['pinned', comp('api', { pinnedSite: 'de2' }), ['de'], ['pinned']],
    ['spread', comp('api', { replicas: 2, requirements: { spread: { sites: true } } }), ['de', 'de'], ['spread']],
    ['capacity', comp('api', { replicas: 2 }), ['full', 'full'], ['capacity']],
    ['structure: missing replica', comp('api', { replicas: 2 }), ['de'], ['structure']],
    ['structure: unknown site', comp('api'), ['nowhere'], ['structure']],
  ])('%s', (_name, c, sites, expected) => {
    const [d, r] = decisionFor(c, sites);
    expect(verifyDecisions(s, [r], [d]).map((v) => v.constraint)).toEqual(expected);
  });

  it('adds up capacity across decisions', () => {
    const a = decisionFor(comp('api'), ['full']);
    const b = decisionFor(comp('api'), ['full']);
    const rb = { ...b[1], name: 'other' };
    expect(verifyDecisions(s, [a[1]], [a[0]])).toEqual([]);
    expect(verifyDecisions(s, [a[1], rb], [a[0], { ...b[0], name: 'other' }]).map((v) => v.constraint)).toEqual([
      'capacity',
    ]);
  });
});
