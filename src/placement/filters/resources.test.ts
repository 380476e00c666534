// Tests for the resources-fit filter (cpu, memory, gpu, gpu model, storage; snapshot load and extra load).
import { describe, expect, it } from 'vitest';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import type { Amounts } from '../types.js';
import { resourcesFilter } from './resources.js';

const big = { cpu: 8000, memory: 16384, gpu: 0, storage: 1024 };
const sites = [
  site('empty', { allocatable: big }),
  site('busy', { allocatable: big, allocated: { cpu: 7800, memory: 1024, gpu: 0, storage: 0 } }),
  site('small-mem', { allocatable: { ...big, memory: 256 } }),
  site('a100', { allocatable: { ...big, gpu: 2 }, gpuModel: 'A100' }),
  site('h100', {
    allocatable: { ...big, gpu: 4 },
    gpuModel: 'H100',
    allocated: { cpu: 0, memory: 0, gpu: 3, storage: 0 },
  }),
  site('tiny-disk', { allocatable: { ...big, storage: 10 } }),
];
const r = (cpu: number, memory: number, gpu = 0, storage = 0): Amounts => ({ cpu, memory, gpu, storage });

describe('resources filter', () => {
  it.each<[string, Amounts, string | undefined, Record<string, number>, string[]]>([
    [
      '500m / 512Mi',
      r(500, 512),
      undefined,
      { empty: 0, busy: 3, 'small-mem': 4, a100: 0, h100: 0, 'tiny-disk': 0 },
      ['1 lack cpu (need 500m)', '1 lack memory (need 512Mi)'],
    ],
    [
      'nothing requested fits anywhere',
      r(0, 0),
      undefined,
      { empty: 0, busy: 0, 'small-mem': 0, a100: 0, h100: 0, 'tiny-disk': 0 },
      [],
    ],
    [
      '2 gpus',
      r(1000, 1024, 2),
      undefined,
      { empty: 1, busy: 1, 'small-mem': 1, a100: 0, h100: 1, 'tiny-disk': 1 },
      ['5 lack gpu (need 2)'],
    ],
    [
      '1 H100',
      r(1000, 1024, 1),
      'H100',
      { empty: 1, busy: 1, 'small-mem': 1, a100: 2, h100: 0, 'tiny-disk': 1 },
      ['4 lack gpu (need 1)', '1 lack a H100 gpu'],
    ],
    [
      'storage 1Gi',
      r(100, 100, 0, 1024),
      undefined,
      { empty: 0, busy: 0, 'small-mem': 0, a100: 0, h100: 0, 'tiny-disk': 5 },
      ['1 lack storage (need 1Gi)'],
    ],
  ])('%s', (_name, resources, gpuModel, expected, why) => {
    const h = harness(sites, comp('job', { resources, ...(gpuModel ? { gpuModel } : {}) }));
    expect(verdicts(resourcesFilter, h)).toEqual(expected);
    expect(reasons(resourcesFilter, h).sort()).toEqual([...why].sort());
    expect(nodeContradictions(resourcesFilter, h)).toEqual([]);
  });

  it('counts load added during the decision (reservations and earlier replicas)', () => {
    const h = harness(sites, comp('job', { resources: r(5000, 1024) }));
    const empty = h.snapshot.siteByName('empty')!;
    expect(verdicts(resourcesFilter, h)!.empty).toBe(0);
    h.ctx.use(empty, h.plan.component);
    expect(verdicts(resourcesFilter, h)!.empty).toBe(3);
    expect(nodeContradictions(resourcesFilter, h)).toEqual([]);
  });
});
