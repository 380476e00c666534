// The registry of the pipeline: every filter, scorer and penalty that filters/ and scorers/ export, in order, and what derives from them.
import * as filterExports from './filters/index.js';
import * as scorerExports from './scorers/index.js';
import type { Filter, Penalty, Scorer, Stage } from './stage.js';
import type { ScorerName, Weights } from './types.js';

/** A plan tracks which filters passed a cell in a 32-bit mask, one bit per filter. */
const MAX_FILTERS = 31;

type StageOf<K extends Stage['stage']> = Extract<Stage, { readonly stage: K }>;

const isStage = (v: unknown): v is Stage =>
  typeof v === 'object' && v !== null && 'stage' in v && typeof (v as { stage: unknown }).stage === 'string';

/**
 * The stages of one kind among a module's exports, sorted by `order`. Names and orders must be unique
 * within a kind (a clash is a registration mistake and fails at load, before any decision is made).
 */
export function collectStages<K extends Stage['stage']>(exports: object, stage: K): readonly StageOf<K>[] {
  const found = Object.values(exports).filter((v): v is StageOf<K> => isStage(v) && v.stage === stage);
  found.sort((a, b) => a.order - b.order);
  for (let i = 0; i < found.length; i++) {
    for (let j = 0; j < i; j++) {
      if (found[j].name === found[i].name) throw new Error(`placement registry: two ${stage}s named ${found[i].name}`);
      if (found[j].order === found[i].order)
        throw new Error(
          `placement registry: ${stage}s ${found[j].name} and ${found[i].name} share order ${found[i].order}`,
        );
    }
  }
  return Object.freeze(found);
}

/**
 * Filters in the order they run. Order matters twice: explanations count each site under the first
 * filter it fails, and the index prunes whole cells on the filters that can judge a cell (those with
 * `node`), so cheap ones of those come first. Filters that read `load` or `placed replicas` may judge
 * a site differently for each replica and are re-checked for every one.
 */
export const FILTERS: readonly Filter[] = collectStages(filterExports, 'filter');
if (FILTERS.length > MAX_FILTERS) throw new Error(`placement pipeline supports at most ${MAX_FILTERS} filters`);

/** Weighted by the request (each scorer declares its default weight); each yields 0..100. */
export const SCORERS: readonly Scorer[] = collectStages(scorerExports, 'scorer');

/** Subtracted from the weighted score, unweighted. */
export const PENALTIES: readonly Penalty[] = collectStages(scorerExports, 'penalty');

export const SCORER_NAMES: readonly ScorerName[] = Object.freeze(SCORERS.map((s) => s.name));

/** Scorer weights when the request gives none, from the scorers' own declarations. */
export const DEFAULT_WEIGHTS: Weights = Object.freeze(
  Object.fromEntries(SCORERS.map((s) => [s.name, s.defaultWeight])) as Record<ScorerName, number>,
);
