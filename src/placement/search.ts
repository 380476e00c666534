// Finds the best sites for one replica: best-first branch-and-bound over the index, or an exhaustive scan as the baseline.
import { CATEGORIES } from '../model/index.js';
import type { PlacementContext } from './context.js';
import { NODE_PASS } from './stage.js';
import { BoundHeap } from './heap.js';
import type { Plan } from './plan.js';
import type { IndexNode } from './site-index.js';
import type { SnapshotSite } from './types.js';

/** Bounds may exceed true scores by rounding; a cell is skipped only when below the k-th best by more than this. */
const BOUND_EPS = 1e-9;

export interface Candidate {
  readonly site: SnapshotSite;
  readonly score: number;
  /** Seeded tie-break key; lower wins among equal scores. */
  readonly tie: number;
  /** Position in the category preference order. */
  readonly tier: number;
}

export interface SearchStats {
  /** Per active filter (index into plan.filters): reason code → sites rejected. */
  readonly rejected: Map<number, number>[];
  feasible: number;
  /** Sites evaluated one by one. */
  examined: number;
  /** Sites in cells skipped because their score bound could not beat the chosen sites. */
  notExamined: number;
  /** Sites in fallback category tiers that were not needed. */
  deferred: number;
  /** Per active penalty (index into plan.penalties): feasible examined sites it penalised. */
  readonly penalized: number[];
}

export interface SearchResult {
  /** Best first: tier ascending, then score descending, then tie key, then site index. */
  readonly found: Candidate[];
  readonly stats: SearchStats;
}

export type SearchFn = (ctx: PlacementContext, plan: Plan, k: number) => SearchResult;

/** Total order of candidates; the same under every search strategy, which is what makes them agree. */
export function better(a: Candidate, b: Candidate): boolean {
  if (a.tier !== b.tier) return a.tier < b.tier;
  if (a.score !== b.score) return a.score > b.score;
  if (a.tie !== b.tie) return a.tie < b.tie;
  return a.site.index < b.site.index;
}

/**
 * Weighted mean of the active scorers (0..100; 0 when no scorer applies) minus the active penalties.
 * Penalised sites are counted in `stats` when given.
 */
export function scoreSite(site: SnapshotSite, ctx: PlacementContext, plan: Plan, stats?: SearchStats): number {
  let s = 0;
  for (const a of plan.scorers) s += a.weight * a.scorer.score(site, a.state, ctx, plan);
  let score = plan.weightSum > 0 ? s / plan.weightSum : 0;
  const penalties = plan.penalties;
  for (let i = 0; i < penalties.length; i++) {
    const p = penalties[i].penalty.penalty(site, penalties[i].state, ctx, plan);
    if (p > 0) {
      score -= p;
      if (stats) stats.penalized[i]++;
    }
  }
  return score;
}

/** ≥ scoreSite of every site in the cell: scorer bounds less penalty floors. */
function boundNode(node: IndexNode, ctx: PlacementContext, plan: Plan): number {
  let s = 0;
  for (const a of plan.scorers) s += a.weight * a.scorer.bound(node, a.state, ctx, plan);
  let bound = plan.weightSum > 0 ? s / plan.weightSum : 0;
  for (const p of plan.penalties) bound -= p.penalty.floor(node, p.state, ctx, plan);
  return bound;
}

class TopK {
  readonly items: Candidate[] = [];
  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.items.length >= this.k;
  }

  offer(c: Candidate): void {
    const a = this.items;
    if (a.length >= this.k && !better(c, a[a.length - 1])) return;
    let i = a.length;
    while (i > 0 && better(c, a[i - 1])) i--;
    a.splice(i, 0, c);
    if (a.length > this.k) a.pop();
  }

  worstScore(): number {
    return this.items[this.items.length - 1].score;
  }
}

function newStats(plan: Plan): SearchStats {
  return {
    rejected: plan.filters.map(() => new Map<number, number>()),
    feasible: 0,
    examined: 0,
    notExamined: 0,
    deferred: 0,
    penalized: plan.penalties.map(() => 0),
  };
}

function count(stats: SearchStats, filter: number, code: number, n: number): void {
  const m = stats.rejected[filter];
  m.set(code, (m.get(code) ?? 0) + n);
}

/** Runs the filters not already known to pass; true when the site passes (a rejection is counted). */
function evaluate(
  site: SnapshotSite,
  passMask: number,
  ctx: PlacementContext,
  plan: Plan,
  stats: SearchStats,
): boolean {
  const filters = plan.filters;
  for (let i = 0; i < filters.length; i++) {
    if (passMask & (1 << i)) continue;
    const f = filters[i];
    const code = f.filter.site(site, f.state, ctx, plan);
    if (code !== 0) {
      count(stats, i, code, 1);
      return false;
    }
  }
  return true;
}

/**
 * Judges a cell: its pass mask, or -1 when pruned. A pruned cell's sites are all counted under the
 * first filter that rejects the whole cell; a site an earlier, undecided filter would also reject is
 * then counted one filter later than a site-by-site scan would. Totals stay exact; the attribution
 * is exact whenever earlier filters passed the cell, and failures are recounted site by site.
 */
function judgeNode(node: IndexNode, passMask: number, ctx: PlacementContext, plan: Plan, stats: SearchStats): number {
  const filters = plan.filters;
  let mask = passMask;
  for (let i = 0; i < filters.length; i++) {
    if (mask & (1 << i)) continue;
    const f = filters[i];
    if (!f.filter.node) continue;
    const v = f.filter.node(node, f.state, ctx, plan);
    if (v === NODE_PASS) mask |= 1 << i;
    else if (v > 0) {
      count(stats, i, v, node.count);
      return -1;
    }
  }
  return mask;
}

/**
 * Best-first search over the index. Returns exactly the top k that searchExhaustive returns: a cell is
 * skipped only when a filter rejects all its sites or its score bound is below the k-th best found.
 * Counts are per first failing filter for examined sites; when nothing fits, they are recounted site
 * by site so the explanation of a failure is exact.
 */
export const searchIndexed: SearchFn = (ctx, plan, k) => {
  const stats = newStats(plan);
  const top = new TopK(k);
  const { sites, index } = ctx.snapshot;
  const order = index.order;
  const byTier: IndexNode[][] = plan.tiers.map(() => []);
  for (const root of index.roots) {
    const t = plan.tierOf[CATEGORIES.indexOf(root.category)];
    if (t >= 0) byTier[t].push(root.node);
    else if (judgeNode(root.node, 0, ctx, plan, stats) >= 0) stats.deferred += root.node.count;
  }
  for (let t = 0; t < byTier.length; t++) {
    if (top.full) {
      for (const n of byTier[t]) stats.deferred += n.count;
      continue;
    }
    const heap = new BoundHeap();
    for (const node of byTier[t]) {
      const mask = judgeNode(node, 0, ctx, plan, stats);
      if (mask >= 0) heap.push({ node, bound: boundNode(node, ctx, plan), passMask: mask });
    }
    for (let e = heap.pop(); e; e = heap.pop()) {
      if (top.full && e.bound < top.worstScore() - BOUND_EPS) {
        stats.notExamined += e.node.count + heap.queuedSites();
        break;
      }
      const node = e.node;
      if (node.left && node.right) {
        for (const child of [node.left, node.right]) {
          const mask = judgeNode(child, e.passMask, ctx, plan, stats);
          if (mask >= 0) heap.push({ node: child, bound: boundNode(child, ctx, plan), passMask: mask });
        }
        continue;
      }
      for (let p = node.start; p < node.end; p++) {
        const site = sites[order[p]];
        stats.examined++;
        if (!evaluate(site, e.passMask, ctx, plan, stats)) continue;
        stats.feasible++;
        top.offer({ site, score: scoreSite(site, ctx, plan, stats), tie: ctx.tie(site), tier: t });
      }
    }
  }
  if (top.items.length === 0) return { found: [], stats: searchExhaustive(ctx, plan, 1).stats };
  return { found: top.items, stats };
};

/** The baseline: every site through every filter, every feasible site scored (as kube-scheduler does). */
export const searchExhaustive: SearchFn = (ctx, plan, k) => {
  const stats = newStats(plan);
  const top = new TopK(k);
  for (const site of ctx.snapshot.sites) {
    stats.examined++;
    if (!evaluate(site, 0, ctx, plan, stats)) continue;
    const tier = plan.tierOf[CATEGORIES.indexOf(site.category)];
    if (tier < 0) continue;
    stats.feasible++;
    top.offer({ site, score: scoreSite(site, ctx, plan, stats), tie: ctx.tie(site), tier });
  }
  return { found: top.items, stats };
};
