// Tests for the PreferNoSchedule penalty: its value per site, and that a tainted site is chosen only when nothing else fits.
import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../model/index.js';
import { place } from '../engine.js';
import { formatExplanation } from '../explain.js';
import { comp, req, site, snap } from '../testing/fixtures.js';
import { floorViolations, harness, penalties } from '../testing/harness.js';
import type { SiteInput } from '../types.js';
import { PREFER_NO_SCHEDULE_PENALTY, preferNoSchedulePenalty } from './prefer-no-schedule.js';

const KEY = 'continuum.eu/dedicated';
const prefer = (value: string): Taint => ({ key: KEY, value, effect: 'PreferNoSchedule' });
const P = PREFER_NO_SCHEDULE_PENALTY;

describe('PreferNoSchedule penalty', () => {
  const sites = [
    site('clean'),
    site('one', { taints: [prefer('factory')] }),
    site('two', { taints: [prefer('factory'), { key: 'noisy', effect: 'PreferNoSchedule' }] }),
    site('four', { taints: ['a', 'b', 'c', 'd'].map((k) => ({ key: k, effect: 'PreferNoSchedule' as const })) }),
    site('hard', { taints: [{ key: KEY, value: 'factory', effect: 'NoSchedule' }] }),
  ];

  it.each<[string, Toleration[], Record<string, number>]>([
    ['no tolerations', [], { clean: 0, one: P, two: 2 * P, four: 3 * P, hard: 0 }],
    ['tolerates the key', [{ key: KEY, operator: 'Exists' }], { clean: 0, one: 0, two: P, four: 3 * P, hard: 0 }],
    [
      'tolerates key=value for PreferNoSchedule',
      [{ key: KEY, value: 'factory', effect: 'PreferNoSchedule' }],
      { clean: 0, one: 0, two: P, four: 3 * P, hard: 0 },
    ],
    [
      'a NoSchedule toleration does not cover PreferNoSchedule',
      [{ key: KEY, operator: 'Exists', effect: 'NoSchedule' }],
      { clean: 0, one: P, two: 2 * P, four: 3 * P, hard: 0 },
    ],
    ['tolerates everything', [{ operator: 'Exists' }], { clean: 0, one: 0, two: 0, four: 0, hard: 0 }],
  ])('%s', (_name, tolerations, expected) => {
    const h = harness(sites, comp('api', { tolerations }));
    expect(penalties(preferNoSchedulePenalty, h)).toEqual(expected);
    expect(floorViolations(preferNoSchedulePenalty, h)).toEqual([]);
  });
});

describe('a PreferNoSchedule-tainted site is chosen only when no untainted site fits', () => {
  const BERLIN = { latitude: 52.52, longitude: 13.405 };
  const full = { cpu: 4000, memory: 8192, gpu: 0, storage: 102400 };
  /** Eight untainted far-edge sites 14..110 km east of Berlin, and the tainted ones right in Berlin. */
  const world = (opts: { untaintedFull: boolean; tainted: [string, Taint[], number][] }): SiteInput[] => [
    ...Array.from({ length: 8 }, (_, i) =>
      site(`u${i + 1}`, {
        category: 'far-edge',
        latitude: BERLIN.latitude,
        longitude: BERLIN.longitude + 0.2 * (i + 1),
        ...(opts.untaintedFull ? { allocated: full } : {}),
      }),
    ),
    ...opts.tainted.map(([name, taints, km]) =>
      site(name, { category: 'far-edge', ...BERLIN, longitude: BERLIN.longitude + km / 68, taints }),
    ),
  ];
  const latencyOnly = { latency: 100, price: 0, carbon: 0, balance: 0, binpack: 0 };
  const factory: [string, Taint[], number][] = [['factory', [prefer('factory')], 0]];

  /** [case, sites, tolerations, chosen site, its `taints` breakdown entry, what the summary mentions] */
  it.each<[string, SiteInput[], Toleration[], string, number | undefined, string | undefined]>([
    [
      '8 untainted sites fit: the nearest untainted wins',
      world({ untaintedFull: false, tainted: factory }),
      [],
      'u1',
      undefined,
      '1 scored down for PreferNoSchedule taints not tolerated',
    ],
    [
      'only the tainted site fits: it is chosen',
      world({ untaintedFull: true, tainted: factory }),
      [],
      'factory',
      -P,
      '1 scored down for PreferNoSchedule taints not tolerated',
    ],
    [
      'tolerated: the nearest site wins',
      world({ untaintedFull: false, tainted: factory }),
      [{ key: KEY, operator: 'Exists' }],
      'factory',
      undefined,
      undefined,
    ],
    [
      'NoSchedule toleration only: still avoided',
      world({ untaintedFull: false, tainted: factory }),
      [{ key: KEY, operator: 'Exists', effect: 'NoSchedule' }],
      'u1',
      undefined,
      '1 scored down',
    ],
    [
      'only tainted sites fit: fewer untolerated taints win over nearness',
      world({
        untaintedFull: true,
        tainted: [
          ['two', [prefer('a'), { key: 'noisy', effect: 'PreferNoSchedule' }], 0],
          ['one', [prefer('b')], 50],
        ],
      }),
      [],
      'one',
      -P,
      '2 scored down',
    ],
  ])('%s', (_name, sites, tolerations, expected, penalty, mention) => {
    const s = snap(sites);
    const r = req([
      comp('api', {
        tolerations,
        requirements: { weights: latencyOnly },
        groups: [{ area: 'berlin', replicas: 1, latency: [] }],
      }),
    ]);
    for (const strategy of ['indexed', 'exhaustive'] as const) {
      const d = place(s, r, { strategy });
      expect(d.assignments.map((a) => a.site)).toEqual([expected]);
      expect(d.assignments[0].scores?.taints).toBe(penalty);
      if (mention) expect(d.explanation[0].summary).toContain(mention);
      else expect(d.explanation[0].summary).not.toContain('scored down');
    }
  });

  it('explain shows the penalty in the score breakdown of a replica that had to take a tainted site', () => {
    const d = place(
      snap(world({ untaintedFull: true, tainted: factory })),
      req([
        comp('api', { requirements: { weights: latencyOnly }, groups: [{ area: 'berlin', replicas: 1, latency: [] }] }),
      ]),
    );
    const lines = formatExplanation(d);
    expect(lines[0]).toMatch(
      /^1\/9 sites fit component api in Berlin: 8 lack cpu \(need 500m\); 1 scored down for PreferNoSchedule taints not tolerated; placed 1\/1 replica on factory \(weights: latency 100\)$/,
    );
    expect(lines[1]).toMatch(
      /^ {2}api\/0@berlin -> factory \(eu-cloud\) as process: score -\d+(\.\d)? \(latency [\d.]+, taints -101\); /,
    );
  });

  it('replicas fill untainted sites before the tainted one, even with spread', () => {
    const sites = world({ untaintedFull: false, tainted: factory });
    const d = place(
      snap(sites),
      req([
        comp('api', {
          requirements: { weights: latencyOnly, spread: { sites: true } },
          groups: [{ area: 'berlin', replicas: 9, latency: [] }],
        }),
      ]),
    );
    expect(d.assignments.map((a) => a.site)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'factory']);
  });
});
