// Builds a GroupPlan: resolves areas, category tiers and weights, and prepares the active filters, scorers and penalties.
import { CATEGORIES } from '../model/index.js';
import { categoryBit } from './context.js';
import type { ActiveFilter, ActivePenalty, ActiveScorer, GroupPlan, PlacementContext } from './context.js';
import { DEFAULT_WEIGHTS, FILTERS, PENALTIES, SCORER_NAMES, SCORERS } from './pipeline.js';
import type { ReplicaGroup, RequestComponent, Weights } from './types.js';

/** Request weights over the scorers' defaults. */
export function resolveWeights(w: Partial<Weights> | undefined): Weights {
  const out = { ...DEFAULT_WEIGHTS };
  for (const k of SCORER_NAMES) if (w?.[k] !== undefined) out[k] = w[k];
  return out;
}

/** Sites' tier by category index: position in the preference order, -1 when the category is not allowed. */
export function tierOfCategory(plan: GroupPlan): Int8Array {
  const out = new Int8Array(CATEGORIES.length).fill(-1);
  CATEGORIES.forEach((c, i) => {
    const t = plan.tiers.findIndex((mask) => (mask & categoryBit(c)) !== 0);
    out[i] = t;
  });
  return out;
}

export interface Plan extends GroupPlan {
  readonly tierOf: Int8Array;
}

export function planGroup(ctx: PlacementContext, component: RequestComponent, group: ReplicaGroup): Plan {
  const snapshot = ctx.snapshot;
  const cats = component.requirements.categories;
  const allowed = cats?.allowed ?? CATEGORIES;
  const preferred = (cats?.preferred ?? []).filter((c) => allowed.includes(c));
  const tiers = preferred.map(categoryBit);
  const rest = allowed.filter((c) => !preferred.includes(c));
  if (rest.length > 0) tiers.push(rest.reduce((m, c) => m | categoryBit(c), 0));
  const filters: ActiveFilter[] = [];
  const scorers: ActiveScorer[] = [];
  const penalties: ActivePenalty[] = [];
  const plan = {
    component,
    group,
    req: component.resources,
    area: group.area !== undefined ? snapshot.areaByName(group.area) : undefined,
    latencyBounds: group.latency.map((b) => ({ areaName: b.area, area: snapshot.areaByName(b.area), maxMs: b.maxMs })),
    tiers,
    weights: resolveWeights(component.requirements.weights),
    filters,
    scorers,
    penalties,
    weightSum: 0,
    tierOf: new Int8Array(0) as Int8Array,
  };
  plan.tierOf = tierOfCategory(plan);
  for (const filter of FILTERS) {
    const state: unknown = filter.prepare(ctx, plan);
    if (state !== null) filters.push({ filter, state });
  }
  for (const scorer of SCORERS) {
    const weight = plan.weights[scorer.name];
    if (!(weight > 0)) continue;
    const state: unknown = scorer.prepare(ctx, plan);
    if (state !== null) scorers.push({ scorer, state, weight });
  }
  for (const penalty of PENALTIES) {
    const state: unknown = penalty.prepare(ctx, plan);
    if (state !== null) penalties.push({ penalty, state });
  }
  plan.weightSum = scorers.reduce((s, a) => s + a.weight, 0);
  return plan;
}
