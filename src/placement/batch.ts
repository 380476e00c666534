// Batch placement: many deployments placed together, greedy by regret, then improved by local search.
import { addCandidate, assign, buildBatchModel } from './batch-model.js';
import type { BatchModel, BatchModelOptions } from './batch-model.js';
import { finishDecision, makeAssignment, placeGreedy, replicaCost, replicaLabel } from './greedy.js';
import { buildExplanation } from './explain.js';
import { byDescending, Packing } from './packing.js';
import { Prng } from './prng.js';
import { Reservations } from './reservations.js';
import { searchIndexed } from './search.js';
import { lagrangianSearch } from './lagrange.js';
import { localSearch, perturb } from './local-search.js';
import type { Assignment, ComponentExplanation, Decision, PlacementRequest, Snapshot } from './types.js';

export interface BatchOptions extends Omit<BatchModelOptions, 'seed'> {
  seed?: number;
  /** Local-search passes over all moves (default 50). */
  maxPasses?: number;
  /** Subgradient iterations of the capacity-price (Lagrangian) restarts (default 60). */
  lagrangeIterations?: number;
  /** Seeded kick-and-repair rounds at the end (default 30). */
  perturbations?: number;
}

export interface BatchResult {
  /** One per request, in request order. */
  readonly decisions: Decision[];
  /** Objective of the greedy start and of the final result (Σ replica costs + UNPLACED_PENALTY per unplaced). */
  readonly greedyObjective: number;
  readonly objective: number;
  readonly moves: number;
  /** Lagrangian lower bound on the objective over the candidate lists (spread relaxed); -Infinity if not computed. */
  readonly lowerBound: number;
}

const EPS = 1e-9;
/** Above this many replicas the greedy uses a static regret order instead of recomputing regrets each step. */
const DYNAMIC_REGRET_LIMIT = 2000;

/**
 * Places the requests together. Scores use the load before the batch ('static' basis), so the
 * objective is a sum of per-replica costs, which local search lowers by relocations, swaps and
 * ejection chains. Capacity and spread are checked on every move: the result never overcommits a site
 * given the snapshot and the reservations. Deterministic in (snapshot, requests, seed, options).
 * With a quota hook the requests are placed one after another instead (the hook sees running totals).
 */
export function placeBatch(
  snapshot: Snapshot,
  requests: readonly PlacementRequest[],
  opts: BatchOptions = {},
): BatchResult {
  const seed = opts.seed ?? 0;
  if (opts.hooks?.quota) return sequential(snapshot, requests, opts, seed);
  const m = buildBatchModel(snapshot, requests, { ...opts, seed });
  const p = new Packing(m);
  greedy(m, p);
  const greedyObjective = p.objective();
  const passes = opts.maxPasses ?? 50;
  let moves = localSearch(m, p, passes);
  const lagrange = lagrangianSearch(m, p, opts.lagrangeIterations ?? 60, 5, passes);
  moves += lagrange.moves + perturb(m, p, new Prng(seed), passes, opts.perturbations ?? 30);
  return { decisions: toDecisions(m, p), greedyObjective, objective: p.objective(), moves, lowerBound: lagrange.bound };
}

function sequential(
  snapshot: Snapshot,
  requests: readonly PlacementRequest[],
  opts: BatchOptions,
  seed: number,
): BatchResult {
  const ledger = opts.reservations ? opts.reservations.clone() : new Reservations();
  const decisions = requests.map((r) => {
    const d = placeGreedy(snapshot, r, { seed, reservations: ledger, ...(opts.hooks ? { hooks: opts.hooks } : {}) });
    ledger.tryCommit(d, snapshot);
    return d;
  });
  const objective = decisions.reduce((s, d) => s + d.objective, 0);
  return { decisions, greedyObjective: objective, objective, moves: 0, lowerBound: -Infinity };
}

/** Regret-ordered greedy (what is lost if an item's best fitting site goes), then engine search past the lists. */
function greedy(m: BatchModel, p: Packing): void {
  const twoFitting = (id: number): [number, number] => {
    let first = -1;
    for (const c of m.items[id].candidates) {
      if (!p.fits(id, c.site.index)) continue;
      if (first < 0) first = c.site.index;
      else return [first, c.site.index];
    }
    return [first, -1];
  };
  const regret = (id: number, first: number, second: number): number =>
    second >= 0 ? p.cost(m.items[id], second) - p.cost(m.items[id], first) : Infinity;
  const pending = new Set(m.items.map((i) => i.id));
  if (pending.size <= DYNAMIC_REGRET_LIMIT) {
    for (;;) {
      let pick = -1;
      let pickSite = -1;
      let best = -Infinity;
      for (const id of pending) {
        const [first, second] = twoFitting(id);
        if (first < 0) continue;
        const r = regret(id, first, second);
        if (r > best + EPS) [pick, pickSite, best] = [id, first, r];
      }
      if (pick < 0) break;
      p.place(pick, pickSite);
      pending.delete(pick);
    }
  } else {
    const order = [...pending].map((id) => {
      const [first, second] = twoFitting(id);
      return { id, r: first < 0 ? -Infinity : regret(id, first, second) };
    });
    order.sort((a, b) => byDescending(a.r, b.r) || a.id - b.id);
    for (const { id } of order) {
      const [first] = twoFitting(id);
      if (first >= 0) p.place(id, first);
    }
  }
  const left = m.items.filter((it) => p.siteOf[it.id] < 0);
  if (left.length === 0) return;
  for (const it of m.items) assign(m, it, p.siteOf[it.id]);
  for (const it of left) {
    const best = searchIndexed(it.ctx, it.plan, 1).found[0];
    if (!best || !p.fits(it.id, best.site.index)) continue;
    addCandidate(it, { site: best.site, score: best.score, tier: best.tier, cost: replicaCost(best) });
    assign(m, it, best.site.index);
    p.place(it.id, best.site.index);
  }
}

function toDecisions(m: BatchModel, p: Packing): Decision[] {
  return m.requests.map((request, ri) => {
    const ctx = m.contexts[ri];
    const assignments: Assignment[] = [];
    const explanation: ComponentExplanation[] = [];
    const unplaced: string[] = [];
    let objective = 0;
    for (const g of m.groups) {
      if (g.request !== ri) continue;
      const sites: string[] = [];
      for (const item of g.items) {
        objective += p.cost(item);
        const at = p.siteOf[item.id];
        if (at < 0) {
          unplaced.push(replicaLabel(item.component.name, item.replica, g.plan.group.area));
          continue;
        }
        const c = item.at.get(at)!;
        const site = m.snapshot.sites[at];
        assignments.push(
          makeAssignment(ctx, g.plan, { site, score: c.score, tie: ctx.tie(site), tier: c.tier }, item.replica),
        );
        sites.push(site.name);
      }
      explanation.push(buildExplanation(ctx, g.plan, g.stats, sites.length, g.items.length, sites));
    }
    return finishDecision(m.snapshot, request, ctx.seed, assignments, explanation, unplaced, objective);
  });
}
