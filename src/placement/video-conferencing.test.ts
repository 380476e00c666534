// The video-conferencing case of issue 19 on the bundled topology: two areas, EU-only, ≤ 15 ms, spread over sites and providers.
import { describe, expect, it } from 'vitest';
import type { ApplicationSpec, DeploymentSpec } from '../model/index.js';
import { EU_COUNTRIES } from './defaults.js';
import { place, placeGreedy } from './engine.js';
import { buildRequest } from './request.js';
import { bundledSnapshot } from './testing/bundled.js';
import type { ExistingReplica, PlacementRequest } from './types.js';
import { verifyDecisions } from './verify.js';

const snapshot = bundledSnapshot();

const app: ApplicationSpec = {
  components: [{ name: 'sfu', artifact: { command: 'sfu' }, ports: [{ name: 'media', expose: true }] }],
  requirements: {
    jurisdiction: { euOnly: true },
    spread: { sites: true, providers: true },
    latency: [
      { area: 'zurich', maxMs: 15 },
      { area: 'london', maxMs: 15 },
    ],
  },
};
const dep: DeploymentSpec = {
  application: 'vc',
  areas: [
    { area: 'zurich', replicas: 2 },
    { area: 'london', replicas: 2 },
  ],
};
const full = buildRequest('default', 'vc', app, dep);
/** Only the London group, next to Zurich replicas that stay where they are (a retry / incremental decision). */
const londonNextTo = (zurich: string[]): PlacementRequest => ({
  ...full,
  components: full.components.map((c) => ({ ...c, groups: c.groups.filter((g) => g.area === 'london') })),
  existing: zurich.map((site): ExistingReplica => ({ component: 'sfu', site, area: 'zurich' })),
});

describe('video conferencing: Zurich ×2, London ×2, EU-only, ≤ 15 ms, spread over sites and providers', () => {
  it('the greedy pass alone gets stuck (the trap the issue describes)', () => {
    const g = placeGreedy(snapshot, full);
    expect(g.unplaced).toEqual(['sfu/2@london', 'sfu/3@london']);
    expect(g.explanation[1].summary).toContain('4 belong to providers already hosting a replica of sfu');
  });

  it.each(Array.from({ length: 40 }, (_, i) => i * 7919))(
    'place() finds a valid assignment for all four replicas (seed %i)',
    (seed) => {
      const d = place(snapshot, full, { seed });
      expect(d.unplaced).toEqual([]);
      expect(verifyDecisions(snapshot, [full], [d])).toEqual([]);
      const sites = d.assignments.map((a) => a.site);
      const providers = d.assignments.map((a) => a.provider);
      expect(new Set(sites).size).toBe(4);
      expect(new Set(providers).size).toBe(4);
      for (const a of d.assignments) {
        expect(a.latencyMs).toBeLessThanOrEqual(15);
        expect(EU_COUNTRIES.has(snapshot.siteByName(a.site)!.country)).toBe(true);
      }
      // London has only hexa-paris, hexa-brussels, officina-stuttgart and officina-turin in the EU within 15 ms.
      const london = d.assignments.filter((a) => a.area === 'london').map((a) => a.provider);
      expect(london.sort()).toEqual(['hexa', 'officina']);
      // The explanation is truthful: every group says it placed 2/2, and that the batch optimiser found it.
      for (const e of d.explanation)
        expect(e.summary).toMatch(/placed 2\/2 replicas .*found jointly by the batch optimiser/);
    },
  );

  it('a retry for London counts the Zurich replicas that stay: valid when a valid completion exists', () => {
    const r = londonNextTo(['polaris-bologna-metro', 'nordlicht-frankfurt-cloud']);
    const d = place(snapshot, r);
    expect(d.assignments.map((a) => a.site).sort()).toEqual(['hexa-paris-metro', 'officina-stuttgart-premise']);
    expect(verifyDecisions(snapshot, [r], [d])).toEqual([]);
  });

  it('a retry for London next to Zurich replicas at hexa and officina is unplaceable, with the reason', () => {
    const r = londonNextTo(['hexa-lyon-metro', 'officina-milan-far']);
    const d = place(snapshot, r);
    expect(d.assignments).toEqual([]);
    expect(d.unplaced).toEqual(['sfu/0@london', 'sfu/1@london']);
    expect(d.explanation[0].summary).toMatch(
      /^0\/31 sites fit component sfu in London: .*4 belong to providers already hosting a replica of sfu.*placed 0\/2 replicas$/,
    );
  });
});
