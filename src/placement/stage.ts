// Contracts of the pipeline's stages (filters, weighted scorers, score penalties) and what each declares about itself.
import type { Requirements, ScorerWeightName } from '../model/index.js';
import type { GroupPlan, PlacementContext } from './context.js';
import type { IndexNode } from './site-index.js';
import type { RequestComponent, SnapshotSite } from './types.js';

/** Node-level verdicts: every site passes / cannot tell; a positive number is a code every site fails with. */
export const NODE_PASS = -1;
export const NODE_MIXED = 0;

/** A field of the RequestComponent a stage reads; `requirements.*` are the merged requirements. */
export type RequestField =
  Exclude<keyof RequestComponent, 'name' | 'requirements'> | `requirements.${keyof Requirements}`;

/** What a stage reads besides the request and the site's own fields. */
export type ContextInput =
  'latency' | 'providers' | 'load' | 'placed replicas' | 'data-locality hook' | 'quota hook' | 'snapshot index';

/**
 * The inputs a stage looks at, declared for docs and review (docs/placement-pipeline.md lists them).
 * A stage that reads `load` or `placed replicas` may judge a site differently for each replica.
 */
export interface Reads {
  readonly request: readonly RequestField[];
  readonly site: readonly (keyof SnapshotSite)[];
  readonly context?: readonly ContextInput[];
}

/** Self-description every stage carries; the registry derives order, defaults, schema checks and docs from it. */
interface StageInfo {
  readonly name: string;
  /** Position within its kind of stage: lower runs first. Unique per kind. */
  readonly order: number;
  /** One line in plain words for docs and help text. */
  readonly description: string;
  readonly reads: Reads;
}

/**
 * A hard constraint. `site` returns 0 to pass or a positive reason code; `node`, when present, must only
 * return NODE_PASS if every site in the cell passes and a code only if every site fails.
 * Order matters twice: explanations count a site under the first filter it fails, and cheap filters
 * that can judge whole cells should come first so the index prunes early.
 */
export interface Filter<S = any> extends StageInfo {
  readonly stage: 'filter';
  /** Per-group state; null when the filter has nothing to check for this group. */
  prepare(ctx: PlacementContext, plan: GroupPlan): S | null;
  site(site: SnapshotSite, state: S, ctx: PlacementContext, plan: GroupPlan): number;
  node?(node: IndexNode, state: S, ctx: PlacementContext, plan: GroupPlan): number;
  /** Plain words for `count` sites rejected with `code`, e.g. "5 over 10 ms from Madrid". */
  describe(code: number, count: number, state: S, plan: GroupPlan): string;
}

/**
 * A soft preference scoring a feasible site 0..100 on an absolute scale, combined with the others by
 * the request's weights (weighted mean); `bound` must be ≥ the score of every site in the cell.
 * Its name is the key of its weight in the Application schema (`requirements.weights`).
 */
export interface Scorer<S = any> extends StageInfo {
  readonly stage: 'scorer';
  readonly name: ScorerWeightName;
  /** Weight 0..100 when the request gives none; 0 makes the scorer opt-in. */
  readonly defaultWeight: number;
  /** Per-group state; null when the scorer does not apply to this group. */
  prepare(ctx: PlacementContext, plan: GroupPlan): S | null;
  score(site: SnapshotSite, state: S, ctx: PlacementContext, plan: GroupPlan): number;
  bound(node: IndexNode, state: S, ctx: PlacementContext, plan: GroupPlan): number;
}

/**
 * A score penalty: subtracted, unweighted, from the weighted mean of the scorers. A penalty of more
 * than 100 (the score range) makes a penalised site lose to every unpenalised feasible site of the
 * same category tier. `floor` must be ≤ the penalty of every site in the cell (0 is always sound).
 */
export interface Penalty<S = any> extends StageInfo {
  readonly stage: 'penalty';
  /** Per-group state; null when the penalty cannot apply to this group. */
  prepare(ctx: PlacementContext, plan: GroupPlan): S | null;
  /** ≥ 0; 0 when the site is not penalised. */
  penalty(site: SnapshotSite, state: S, ctx: PlacementContext, plan: GroupPlan): number;
  floor(node: IndexNode, state: S, ctx: PlacementContext, plan: GroupPlan): number;
  /** Plain words for `count` feasible sites this penalised, e.g. "2 scored down for …". */
  describe(count: number, state: S, plan: GroupPlan): string;
}

export type Stage = Filter | Scorer | Penalty;
