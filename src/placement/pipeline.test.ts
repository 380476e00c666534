// Tests for the stage registry: what it collects, the schema agreement both ways, cost invariants and the generated docs.
import { describe, expect, it } from 'vitest';
import { ApplicationKind, CATEGORIES, SCORER_WEIGHT_NAMES, validateObject } from '../model/index.js';
import { TIER_PENALTY, UNPLACED_PENALTY } from './defaults.js';
import { collectStages, DEFAULT_WEIGHTS, FILTERS, PENALTIES, SCORER_NAMES, SCORERS } from './pipeline.js';
import { pipelineMarkdown } from './pipeline-doc.js';
import { PREFER_NO_SCHEDULE_MAX_COUNTED, PREFER_NO_SCHEDULE_PENALTY } from './scorers/index.js';
import type { Filter, Stage } from './stage.js';

/** An Application whose only component carries `weights`. */
const app = (weights: Record<string, unknown>) => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop', namespace: 'tenant' },
  spec: { components: [{ name: 'api', artifact: { command: 'api' }, requirements: { weights } }] },
});

const stub = (name: string, order: number): Filter => ({
  stage: 'filter',
  name,
  order,
  description: name,
  reads: { request: [], site: [] },
  prepare: () => null,
  site: () => 0,
  describe: () => '',
});

describe('stage registry', () => {
  it.each<[string, readonly Stage[]]>([
    ['filters', FILTERS],
    ['scorers', SCORERS],
    ['penalties', PENALTIES],
  ])('%s: sorted by a unique order, unique names, each described', (_kind, stages) => {
    expect(stages.length).toBeGreaterThan(0);
    expect(new Set(stages.map((s) => s.name)).size).toBe(stages.length);
    for (let i = 1; i < stages.length; i++) expect(stages[i].order).toBeGreaterThan(stages[i - 1].order);
    for (const s of stages) {
      expect(s.description).toMatch(/^[A-Z].*\.$/);
      expect(s.description).not.toContain('\n');
    }
  });

  it('fits the 32-bit pass mask of the index search', () => {
    expect(FILTERS.length).toBeLessThanOrEqual(31);
  });

  it.each<[string, object, string | null]>([
    ['collects only stages of the kind, sorted', { b: stub('b', 20), a: stub('a', 10), helper: () => 1 }, null],
    ['rejects two stages with one name', { a: stub('x', 10), b: stub('x', 20) }, 'two filters named x'],
    ['rejects two stages at one order', { a: stub('a', 10), b: stub('b', 10) }, 'filters a and b share order 10'],
  ])('collectStages %s', (_name, exports, error) => {
    if (error) return expect(() => collectStages(exports, 'filter')).toThrow(error);
    expect(collectStages(exports, 'filter').map((s) => s.name)).toEqual(['a', 'b']);
    expect(collectStages(exports, 'scorer')).toEqual([]);
  });
});

describe('scorers and the Application schema agree', () => {
  it('every registered scorer is a weight name of the schema, and every weight name has a scorer', () => {
    expect([...SCORER_NAMES].sort()).toEqual([...SCORER_WEIGHT_NAMES].sort());
  });

  it.each(SCORERS.map((s) => [s.name]))('the schema accepts a weight for the registered scorer %s', (name) => {
    expect(validateObject(ApplicationKind, app({ [name]: 50 }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['unknown scorer', { nope: 10 }, 'spec.components[0].requirements.weights.nope', 'unknown field'],
    ['a penalty is not weighted', { taints: 10 }, 'spec.components[0].requirements.weights.taints', 'unknown field'],
    ['above 100', { latency: 101 }, 'spec.components[0].requirements.weights.latency', 'must be <= 100'],
    ['not a number', { price: 'high' }, 'spec.components[0].requirements.weights.price', 'must be number'],
  ])('the schema rejects %s with its field path', (_name, weights, field, message) => {
    expect(validateObject(ApplicationKind, app(weights))).toContainEqual({ field, message });
  });

  it('default weights come from the scorers, each 0..100', () => {
    expect(DEFAULT_WEIGHTS).toEqual(Object.fromEntries(SCORERS.map((s) => [s.name, s.defaultWeight])));
    for (const s of SCORERS) expect(s.defaultWeight).toBeGreaterThanOrEqual(0);
    for (const s of SCORERS) expect(s.defaultWeight).toBeLessThanOrEqual(100);
  });

  it('penalty names do not clash with scorer names (both key the score breakdown)', () => {
    for (const p of PENALTIES) expect(SCORER_NAMES).not.toContain(p.name);
  });
});

describe('objective invariants', () => {
  it('a placed replica, however penalised, costs less than an unplaced one', () => {
    const worst =
      100 + TIER_PENALTY * (CATEGORIES.length - 1) + PREFER_NO_SCHEDULE_PENALTY * PREFER_NO_SCHEDULE_MAX_COUNTED;
    expect(worst).toBeLessThan(UNPLACED_PENALTY);
  });

  it('one penalty is above the score range, so a penalised site loses to any unpenalised one', () => {
    expect(PREFER_NO_SCHEDULE_PENALTY).toBeGreaterThan(100);
  });
});

describe('generated docs', () => {
  it('docs/placement-pipeline.md is the registry in words', async () => {
    await expect(pipelineMarkdown()).toMatchFileSnapshot('../../docs/placement-pipeline.md');
  });
});
