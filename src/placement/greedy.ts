// The greedy pass of the placement engine: each replica in turn takes the best feasible site, with an explanation.
import { chooseRuntime } from '../model/index.js';
import { PlacementContext } from './context.js';
import type { LoadBasis } from './context.js';
import { addInto, pricePerHour, round, TIER_PENALTY, UNPLACED_PENALTY } from './defaults.js';
import type { MutableAmounts } from './defaults.js';
import { buildExplanation } from './explain.js';
import { planGroup } from './plan.js';
import type { Plan } from './plan.js';
import type { Reservations } from './reservations.js';
import { searchExhaustive, searchIndexed } from './search.js';
import type { Candidate, SearchFn, SearchResult } from './search.js';
import type {
  Assignment,
  ComponentExplanation,
  Decision,
  PlacementHooks,
  PlacementRequest,
  SiteUsage,
  Snapshot,
} from './types.js';

export interface PlaceOptions {
  /** Try the batch optimiser when the greedy pass leaves replicas unplaced (default true; see engine.ts). */
  batchFallback?: boolean;
  /** Tie-break seed; defaults to the request's seed, else 0. */
  seed?: number;
  /** Capacity other decisions hold but the snapshot does not show yet. */
  reservations?: Reservations;
  hooks?: PlacementHooks;
  /** 'indexed' (default) or 'exhaustive' (the baseline: scores every site); both decide identically. */
  strategy?: 'indexed' | 'exhaustive';
  /** What balance/bin-packing see (default 'dynamic': this decision's earlier replicas count). */
  loadBasis?: LoadBasis;
}

/** Objective cost of one placed replica: lower is better; tiers dominate scores. */
export const replicaCost = (c: Candidate): number => 100 - c.score + TIER_PENALTY * c.tier;

/** Label of a replica in `unplaced` lists. */
export const replicaLabel = (component: string, replica: number, area: string | undefined): string =>
  `${component}/${replica}${area !== undefined ? `@${area}` : ''}`;

/**
 * Places every replica, component by component and area by area, greedily taking the best feasible
 * site for each. Deterministic in (snapshot, request, seed, reservations); reads no clock and no
 * global randomness. Filters are monotone (more load never admits more sites), so once a replica of
 * a group finds no site the rest of that group is reported unplaced without searching again.
 */
export function placeGreedy(snapshot: Snapshot, request: PlacementRequest, opts: PlaceOptions = {}): Decision {
  const seed = opts.seed ?? request.seed ?? 0;
  const ctx = new PlacementContext(snapshot, request, {
    seed,
    ...(opts.reservations ? { reservations: opts.reservations } : {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
    loadBasis: opts.loadBasis ?? 'dynamic',
  });
  const search: SearchFn = opts.strategy === 'exhaustive' ? searchExhaustive : searchIndexed;
  const assignments: Assignment[] = [];
  const explanation: ComponentExplanation[] = [];
  const unplaced: string[] = [];
  let objective = 0;
  for (const component of request.components) {
    let replica = 0;
    for (const group of component.groups) {
      if (group.replicas <= 0) continue;
      const plan = planGroup(ctx, component, group);
      let explained: SearchResult | undefined;
      const sites: string[] = [];
      for (let r = 0; r < group.replicas; r++, replica++) {
        if (explained && explained.found.length === 0) {
          unplaced.push(replicaLabel(component.name, replica, group.area));
          objective += UNPLACED_PENALTY;
          continue;
        }
        const res = search(ctx, plan, 1);
        const best = res.found[0];
        // Explain with the first replica's search, or the one that overflowed to a later tier, or the one that failed.
        if (r === 0 || !best || best.tier > (explained?.found[0]?.tier ?? 0)) explained = res;
        if (!best) {
          unplaced.push(replicaLabel(component.name, replica, group.area));
          objective += UNPLACED_PENALTY;
          continue;
        }
        assignments.push(makeAssignment(ctx, plan, best, replica));
        objective += replicaCost(best);
        sites.push(best.site.name);
        ctx.use(best.site, component);
      }
      explanation.push(buildExplanation(ctx, plan, explained!.stats, sites.length, group.replicas, sites));
    }
  }
  return finishDecision(snapshot, request, seed, assignments, explanation, unplaced, objective);
}

/** The Assignment record of a candidate, with the score breakdown as it stood when it was chosen (penalties negative). */
export function makeAssignment(ctx: PlacementContext, plan: Plan, c: Candidate, replica: number): Assignment {
  const scores: Record<string, number> = {};
  for (const a of plan.scorers) scores[a.scorer.name] = round(a.scorer.score(c.site, a.state, ctx, plan), 2);
  // A penalty shows as a negative entry, only where it applied.
  for (const p of plan.penalties) {
    const v = p.penalty.penalty(c.site, p.state, ctx, plan);
    if (v > 0) scores[p.penalty.name] = -round(v, 2);
  }
  const areas = plan.area ? [plan.area] : plan.latencyBounds.flatMap((b) => (b.area ? [b.area] : []));
  const latency = areas.length > 0 ? Math.max(...areas.map((a) => ctx.snapshot.latencyMs(a, c.site))) : undefined;
  return {
    component: plan.component.name,
    replica,
    ...(plan.group.area !== undefined ? { area: plan.group.area } : {}),
    site: c.site.name,
    runtime:
      chooseRuntime(plan.component.runtimes ?? [plan.component.runtime], c.site.runtimes) ?? plan.component.runtime,
    provider: c.site.provider,
    ...(c.site.via !== undefined ? { via: c.site.via } : {}),
    score: round(c.score, 2),
    scores,
    ...(latency !== undefined ? { latencyMs: round(latency, 2) } : {}),
    pricePerHour: round(pricePerHour(c.site.pricing, plan.req), 6),
    carbonIntensity: round(c.site.carbonIntensity, 1),
  };
}

/** Assembles a Decision; usage is summed per site in first-use order. */
export function finishDecision(
  snapshot: Snapshot,
  request: PlacementRequest,
  seed: number,
  assignments: Assignment[],
  explanation: ComponentExplanation[],
  unplaced: string[],
  objective: number,
): Decision {
  const usage = new Map<string, MutableAmounts>();
  let total = 0;
  const byName = new Map(request.components.map((c) => [c.name, c]));
  for (const a of assignments) {
    const comp = byName.get(a.component)!;
    let u = usage.get(a.site);
    if (!u) usage.set(a.site, (u = { cpu: 0, memory: 0, gpu: 0, storage: 0 }));
    addInto(u, comp.resources);
    total += pricePerHour(snapshot.siteByName(a.site)!.pricing, comp.resources);
  }
  const siteUsage: SiteUsage[] = [...usage].map(([site, u]) => ({ site, ...u }));
  return {
    namespace: request.namespace,
    name: request.name,
    seed,
    assignments,
    explanation,
    unplaced,
    totalPricePerHour: round(total, 6),
    objective: round(objective, 6),
    usage: siteUsage,
  };
}
