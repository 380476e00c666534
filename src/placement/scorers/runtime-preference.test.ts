// Tests for the runtime-preference penalty: the first-choice runtime wins over a better-scored fallback site.
import { describe, expect, it } from 'vitest';
import type { RuntimeKind } from '../../model/index.js';
import { place } from '../engine.js';
import { formatExplanation } from '../explain.js';
import { comp, req, site, snap } from '../testing/fixtures.js';

const cheapProcessOnly = site('cheap', { runtimes: ['process'], pricing: { cpuHour: 0.001 } });
const dearWithContainers = site('dear', { runtimes: ['process', 'container'], pricing: { cpuHour: 0.5 } });

describe('runtime preference penalty', () => {
  it.each<[string, RuntimeKind[], string[], string, RuntimeKind]>([
    ['first choice offered by the dearer site', ['container', 'process'], ['cheap', 'dear'], 'dear', 'container'],
    ['first choice offered by the cheaper site', ['process', 'container'], ['cheap', 'dear'], 'cheap', 'process'],
    ['only a fallback site fits', ['container', 'process'], ['cheap'], 'cheap', 'process'],
    ['a single runtime is not penalised', ['process'], ['cheap', 'dear'], 'cheap', 'process'],
  ])('%s', (_case, runtimes, names, where, runtime) => {
    const sites = [cheapProcessOnly, dearWithContainers].filter((s) => names.includes(s.name));
    const d = place(snap(sites), req([comp('api', { runtime: runtimes[0]!, runtimes })]), { seed: 3 });
    expect(d.assignments.map((a) => [a.site, a.runtime])).toEqual([[where, runtime]]);
    if (runtimes.length > 1 && names.length > 1 && where === 'dear')
      expect(formatExplanation(d).join('\n')).toMatch(/scored down for offering a fallback runtime, not container/);
  });
});
