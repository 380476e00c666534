// Tests for the balance and bin-packing scorers (utilisation after the replica lands).
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { boundViolations, harness, scores } from '../testing/harness.js';
import { balanceScorer } from './balance.js';
import { binpackScorer } from './binpack.js';

const cap = { cpu: 4000, memory: 8192, gpu: 0, storage: 0 };
const sites = [
  site('idle', { allocatable: cap }),
  site('half', { allocatable: cap, allocated: { cpu: 2000, memory: 4096, gpu: 0, storage: 0 } }),
  site('full-cpu', { allocatable: cap, allocated: { cpu: 3000, memory: 0, gpu: 0, storage: 0 } }),
  site('no-mem', { allocatable: { ...cap, memory: 0 } }),
];

describe('balance and bin-packing scorers', () => {
  // Request 1 core, 2 GiB: utilisation after = mean(cpu, memory).
  it.each([
    ['idle', (0.25 + 0.25) / 2],
    ['half', (0.75 + 0.75) / 2],
    ['full-cpu', (1 + 0.25) / 2],
    ['no-mem counts memory as full', (0.25 + 1) / 2],
  ])('%s', (name, utilisation) => {
    const h = harness(sites, comp('api', { resources: { cpu: 1000, memory: 2048, gpu: 0, storage: 0 } }));
    const key = name.split(' ')[0];
    expect(scores(balanceScorer, h)![key]).toBeCloseTo(100 * (1 - utilisation), 9);
    expect(scores(binpackScorer, h)![key]).toBeCloseTo(100 * utilisation, 9);
  });

  it('sees this decision’s earlier replicas, and bounds hold', () => {
    const h = harness(sites, comp('api', { resources: { cpu: 1000, memory: 2048, gpu: 0, storage: 0 } }));
    h.ctx.use(h.snapshot.siteByName('idle')!, h.plan.component);
    expect(scores(balanceScorer, h)!.idle).toBeCloseTo(50, 9);
    expect(boundViolations(balanceScorer, h)).toEqual([]);
    expect(boundViolations(binpackScorer, h)).toEqual([]);
  });
});
