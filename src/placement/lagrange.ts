// Lagrangian relaxation of site capacity: per-site prices steer greedy restarts that local search then finishes.
import type { BatchModel } from './batch-model.js';
import { UNPLACED_PENALTY } from './defaults.js';
import { localSearch } from './local-search.js';
import type { Packing } from './packing.js';
import { byDescending } from './packing.js';

const D = 4;

export interface LagrangeOutcome {
  /** Best Lagrangian dual value: a lower bound on the batch objective over the candidate lists (spread relaxed). */
  readonly bound: number;
  readonly moves: number;
}

/**
 * Subgradient optimisation of capacity prices λ(site, dimension) ≥ 0, where an item's priced cost on a
 * site is its cost + Σ_d λ·demand/capacity. Every `every` iterations the priced costs drive a greedy
 * construction (regret order), which local search on the true costs improves; the best feasible
 * result is kept in `p` (never worse than what `p` held on entry). Deterministic.
 */
export function lagrangianSearch(
  m: BatchModel,
  p: Packing,
  iterations: number,
  every: number,
  maxPasses: number,
): LagrangeOutcome {
  const items = m.items;
  const n = items.length;
  const cap = p.capacity;
  const touched = [...new Set(items.flatMap((it) => it.candidates.map((c) => c.site.index)))].sort((a, b) => a - b);
  const lambda = new Float64Array(cap.length);
  const load = new Float64Array(cap.length);
  const choice = new Int32Array(n);
  let best = p.objective();
  let bestSites = Int32Array.from(p.siteOf);
  let bound = -Infinity;
  let theta = 1;
  let stall = 0;
  let moves = 0;
  const priced = (id: number, site: number): number => {
    let c = items[id].at.get(site)!.cost;
    const q = id * D;
    const b = site * D;
    for (let d = 0; d < D; d++) {
      const dem = p.demand[q + d];
      if (dem > 0 && cap[b + d] > 0) c += (lambda[b + d] * dem) / cap[b + d];
    }
    return c;
  };
  for (let t = 0; t < iterations; t++) {
    for (const s of touched) load.fill(0, s * D, s * D + D);
    let value = 0;
    for (let id = 0; id < n; id++) {
      let bc = UNPLACED_PENALTY;
      let bs = -1;
      for (const c of items[id].candidates) {
        const v = priced(id, c.site.index);
        if (v < bc) [bc, bs] = [v, c.site.index];
      }
      value += bc;
      choice[id] = bs;
      if (bs >= 0)
        for (let d = 0; d < D; d++) if (cap[bs * D + d] > 0) load[bs * D + d] += p.demand[id * D + d] / cap[bs * D + d];
    }
    let norm = 0;
    for (const s of touched) {
      for (let d = 0; d < D; d++) {
        const k = s * D + d;
        value -= lambda[k];
        const g = load[k] - 1;
        if (g > 0 || lambda[k] > 0) norm += g * g;
      }
    }
    if (value > bound + 1e-9) [bound, stall] = [value, 0];
    else if (++stall >= 8) [theta, stall] = [theta / 2, 0];
    if ((t + 1) % every === 0 || t === iterations - 1) {
      construct(m, p, priced);
      moves += localSearch(m, p, maxPasses);
      const z = p.objective();
      if (z < best - 1e-9) [best, bestSites] = [z, Int32Array.from(p.siteOf)];
    }
    if (norm === 0 || best - bound < 1e-6) break;
    const step = (theta * Math.max(best - value, 1e-3)) / norm;
    for (const s of touched) {
      for (let d = 0; d < D; d++) {
        const k = s * D + d;
        lambda[k] = Math.max(0, lambda[k] + step * (load[k] - 1));
      }
    }
  }
  p.restore(bestSites);
  return { bound, moves };
}

/** Empties `p`, then places items by descending priced regret on their cheapest fitting priced site. */
function construct(m: BatchModel, p: Packing, priced: (id: number, site: number) => number): void {
  const items = m.items;
  p.restore(new Int32Array(items.length).fill(-1));
  const lists = items.map((it) =>
    it.candidates
      .map((c) => ({ site: c.site.index, v: priced(it.id, c.site.index) }))
      .sort((a, b) => a.v - b.v || a.site - b.site),
  );
  const regret = lists.map((l) => (l.length > 1 ? l[1].v - l[0].v : Infinity));
  const order = items.map((it) => it.id).sort((a, b) => byDescending(regret[a], regret[b]) || a - b);
  for (const id of order) for (const c of lists[id]) if (p.tryPlace(id, c.site)) break;
}
