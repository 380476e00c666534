// Tests for the runtime-kind filter: verdicts, reasons naming what each site offers, and exact cell claims.
import { describe, expect, it } from 'vitest';
import type { RuntimeKind } from '../../model/index.js';
import { place } from '../engine.js';
import { comp, req, site, snap } from '../testing/fixtures.js';
import { NODE_MIXED } from '../stage.js';
import { allNodes, harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { runtimeFilter } from './runtime.js';

const sites = [
  site('proc'),
  site('k8s', { runtimes: ['kubernetes'] }),
  site('both', { runtimes: ['process', 'kubernetes'] }),
  site('fn', { runtimes: ['function', 'container'] }),
  site('none', { runtimes: [] }),
];

describe('runtime filter', () => {
  it.each<[RuntimeKind, string[], string[]]>([
    ['process', ['proc', 'both'], ['1 offer kubernetes but not process', '1 offer function/container but not process']],
    [
      'kubernetes',
      ['k8s', 'both'],
      ['1 offer process but not kubernetes', '1 offer function/container but not kubernetes'],
    ],
    [
      'function',
      ['fn'],
      [
        '1 offer process but not function',
        '1 offer kubernetes but not function',
        '1 offer process/kubernetes but not function',
      ],
    ],
    [
      'container',
      ['fn'],
      [
        '1 offer process but not container',
        '1 offer kubernetes but not container',
        '1 offer process/kubernetes but not container',
      ],
    ],
  ])('%s', (runtime, pass, why) => {
    const h = harness(sites, comp('api', { runtime }));
    const v = verdicts(runtimeFilter, h)!;
    expect(Object.keys(v).filter((n) => v[n] === 0)).toEqual(pass);
    expect(reasons(runtimeFilter, h)).toEqual([...why, `1 offer no runtime (${runtime} needed)`]);
    expect(nodeContradictions(runtimeFilter, h)).toEqual([]);
  });

  it('rejects whole cells only when every site in them offers the same kinds', () => {
    const many = [
      ...Array.from({ length: 6 }, (_, i) => site(`p${i}`)),
      ...Array.from({ length: 6 }, (_, i) => site(`k${i}`, { runtimes: ['kubernetes'] })),
    ];
    const h = harness(many, comp('api', { runtime: 'container' }));
    expect(reasons(runtimeFilter, h)).toEqual([
      '6 offer process but not container',
      '6 offer kubernetes but not container',
    ]);
    expect(nodeContradictions(runtimeFilter, h)).toEqual([]);
    const state = runtimeFilter.prepare(h.ctx, h.plan)!;
    const claims = allNodes(h).map((n) => runtimeFilter.node!(n, state, h.ctx, h.plan));
    expect(claims).toContain(NODE_MIXED); // the root holds both kinds
    expect(claims.filter((c) => c > 0).length).toBeGreaterThan(0); // uniform cells are still pruned whole
  });

  it.each<[string, RuntimeKind[], string[], string | undefined, RuntimeKind | undefined]>([
    // [case, allowed runtimes in preference order, sites passing, reason of the rest, runtime chosen on 'both2']
    ['container preferred, process fallback', ['container', 'process'], ['proc', 'both', 'fn'], undefined, 'process'],
    ['only container', ['container'], ['fn'], '1 offer process but not container', undefined],
    [
      'function or kubernetes',
      ['function', 'kubernetes'],
      ['k8s', 'both', 'fn'],
      '1 offer process but not function or kubernetes',
      'kubernetes',
    ],
  ])('several allowed runtimes: %s', (_case, runtimes, pass, why, onBoth) => {
    const h = harness(sites, comp('api', { runtime: runtimes[0]!, runtimes }));
    const v = verdicts(runtimeFilter, h)!;
    expect(Object.keys(v).filter((n) => v[n] === 0)).toEqual(pass);
    if (why) expect(reasons(runtimeFilter, h)).toContain(why);
    expect(reasons(runtimeFilter, h)).toContain(`1 offer no runtime (${runtimes.join(' or ')} needed)`);
    expect(nodeContradictions(runtimeFilter, h)).toEqual([]);
    const pinned = place(
      snap([site('both2', { runtimes: ['process', 'kubernetes'] })]),
      req([comp('api', { runtime: runtimes[0]!, runtimes })]),
    );
    expect(pinned.assignments[0]?.runtime).toBe(onBoth);
  });

  it('assigns the first allowed runtime each chosen site offers', () => {
    const d = place(
      snap([site('edge', { runtimes: ['process', 'container'] }), site('old', { runtimes: ['process'] })]),
      req([
        comp('api', {
          runtime: 'container',
          runtimes: ['container', 'process'],
          replicas: 2,
          requirements: { spread: { sites: true } },
        }),
      ]),
      { seed: 1 },
    );
    const bySite = Object.fromEntries(d.assignments.map((a) => [a.site, a.runtime]));
    expect(bySite).toEqual({ edge: 'container', old: 'process' });
  });
});
