// PreferNoSchedule on the bundled topology: factory racks (near-premise) take general work only when nothing else fits.
import { describe, expect, it } from 'vitest';
import type { ApplicationSpec, DeploymentSpec, Requirements } from '../model/index.js';
import { place } from './engine.js';
import { formatExplanation } from './explain.js';
import { buildRequest } from './request.js';
import { bundledSnapshot } from './testing/bundled.js';

const snapshot = bundledSnapshot();
const FACTORY = 'officina-turin-premise';
const latencyOnly = { latency: 100, price: 0, carbon: 0, balance: 0, binpack: 0 };

const decide = (requirements: Requirements, replicas = 1) => {
  const app: ApplicationSpec = { components: [{ name: 'web', artifact: { command: 'web' } }], requirements };
  const dep: DeploymentSpec = { application: 'web', areas: [{ area: 'turin', replicas }] };
  const r = buildRequest('default', 'web', app, dep);
  return place(snapshot, r);
};

describe('PreferNoSchedule on the bundled topology (users in Turin, latency-only weights)', () => {
  it('the factory rack is the nearest site, and tainted', () => {
    const turin = snapshot.areaByName('turin')!;
    const nearest = [...snapshot.sites].sort((a, b) => snapshot.latencyMs(turin, a) - snapshot.latencyMs(turin, b))[0];
    expect(nearest.name).toBe(FACTORY);
    expect(nearest.taints.map((t) => t.effect)).toEqual(['PreferNoSchedule']);
  });

  /** [case, requirements, chosen site or 'untainted', its taints score] */
  it.each<[string, Requirements, string, number | undefined]>([
    [
      'untainted sites fit: one of them wins over the nearer factory rack',
      { weights: latencyOnly },
      'untainted',
      undefined,
    ],
    [
      'tolerated: the factory rack wins on latency',
      {
        weights: latencyOnly,
        tolerations: [
          { key: 'continuum.eu/dedicated', operator: 'Equal', value: 'factory', effect: 'PreferNoSchedule' },
        ],
      },
      FACTORY,
      undefined,
    ],
    [
      'only the factory rack meets 3 ms: it is chosen, with the penalty shown',
      { weights: latencyOnly, latency: [{ area: 'turin', maxMs: 3 }] },
      FACTORY,
      -101,
    ],
  ])('%s', (_name, requirements, expected, taints) => {
    const d = decide(requirements);
    expect(d.unplaced).toEqual([]);
    const site = snapshot.siteByName(d.assignments[0].site)!;
    if (expected === 'untainted') expect(site.taints).toEqual([]);
    else expect(site.name).toBe(expected);
    expect(d.assignments[0].scores?.taints).toBe(taints);
  });

  it('explain names the penalty: the sites scored down, and the -101 in the score breakdown', () => {
    const avoided = formatExplanation(decide({ weights: latencyOnly }));
    expect(avoided[0]).toMatch(/scored down for PreferNoSchedule taints not tolerated/);
    const forced = formatExplanation(decide({ weights: latencyOnly, latency: [{ area: 'turin', maxMs: 3 }] }));
    expect(forced[0]).toMatch(/^1\/31 sites fit component web in Turin: .*; 1 scored down for PreferNoSchedule/);
    expect(forced[1]).toMatch(
      new RegExp(`web/0@turin -> ${FACTORY} \\(officina\\)(?: as \\w+)?: score -?[\\d.]+ \\(.*taints -101\\)`),
    );
  });

  it('replicas fill every untainted site in reach before the tainted ones', () => {
    // Within 10 ms of Turin: count the untainted sites, ask for one more replica than that, spread over sites.
    const turin = snapshot.areaByName('turin')!;
    const near = snapshot.sites.filter((s) => snapshot.latencyMs(turin, s) <= 10);
    const clean = near.filter((s) => s.taints.length === 0).map((s) => s.name);
    expect(clean.length).toBeGreaterThan(0);
    const d = decide(
      { weights: latencyOnly, latency: [{ area: 'turin', maxMs: 10 }], spread: { sites: true } },
      clean.length + 1,
    );
    const chosen = d.assignments.map((a) => a.site);
    expect(chosen.slice(0, clean.length).sort()).toEqual([...clean].sort());
    expect(snapshot.siteByName(chosen[clean.length])!.taints.length).toBeGreaterThan(0);
  });
});
