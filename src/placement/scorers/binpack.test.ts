// Tests for the opt-in bin-packing scorer.
import { describe, expect, it } from 'vitest';
import { place } from '../engine.js';
import { comp, req, site, snap } from '../testing/fixtures.js';
import { boundViolations, harness, scores } from '../testing/harness.js';
import { binpackScorer } from './binpack.js';

const cap = { cpu: 4000, memory: 8192, gpu: 0, storage: 0 };
const sites = [
  site('idle', { allocatable: cap }),
  site('busy', { allocatable: cap, allocated: { cpu: 2000, memory: 4096, gpu: 0, storage: 0 } }),
];

describe('bin-packing scorer', () => {
  it.each([
    ['idle', 100 * 0.25],
    ['busy', 100 * 0.75],
  ])('%s site scores its utilisation after the replica', (name, expected) => {
    const h = harness(sites, comp('api', { resources: { cpu: 1000, memory: 2048, gpu: 0, storage: 0 } }));
    expect(scores(binpackScorer, h)![name]).toBeCloseTo(expected, 9);
    expect(boundViolations(binpackScorer, h)).toEqual([]);
  });

  it.each([
    ['off by default: balance spreads to the idle site', undefined, ['idle', 'idle']],
    [
      'bin-packing alone fills the busy site first',
      { binpack: 100, balance: 0, price: 0, carbon: 0, latency: 0 },
      ['busy', 'busy'],
    ],
  ] as const)('%s', (_name, weights, expected) => {
    const d = place(
      snap(sites),
      req([
        comp('api', {
          replicas: 2,
          resources: { cpu: 1000, memory: 2048, gpu: 0, storage: 0 },
          requirements: weights ? { weights } : {},
        }),
      ]),
    );
    expect(d.assignments.map((a) => a.site)).toEqual(expected);
  });
});
