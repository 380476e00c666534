// Tests for the runtime-kind filter.
import { describe, expect, it } from 'vitest';
import type { RuntimeKind } from '../../model/index.js';
import { comp, site } from '../testing/fixtures.js';
import { harness, nodeContradictions, reasons, verdicts } from '../testing/harness.js';
import { runtimeFilter } from './runtime.js';

const sites = [
  site('proc'),
  site('k8s', { runtimes: ['kubernetes'] }),
  site('both', { runtimes: ['process', 'kubernetes'] }),
  site('fn', { runtimes: ['function', 'container'] }),
];

describe('runtime filter', () => {
  it.each<[RuntimeKind, Record<string, number>, string[]]>([
    ['process', { proc: 0, k8s: 1, both: 0, fn: 1 }, ['2 lack the process runtime']],
    ['kubernetes', { proc: 1, k8s: 0, both: 0, fn: 1 }, ['2 lack the kubernetes runtime']],
    ['function', { proc: 1, k8s: 1, both: 1, fn: 0 }, ['3 lack the function runtime']],
    ['container', { proc: 1, k8s: 1, both: 1, fn: 0 }, ['3 lack the container runtime']],
  ])('%s', (runtime, expected, why) => {
    const h = harness(sites, comp('api', { runtime }));
    expect(verdicts(runtimeFilter, h)).toEqual(expected);
    expect(reasons(runtimeFilter, h)).toEqual(why);
    expect(nodeContradictions(runtimeFilter, h)).toEqual([]);
  });
});
