// Local search for batch placement: relocations, swaps and ejection chains to a local optimum, then seeded kicks.
import type { BatchModel } from './batch-model.js';
import type { Packing } from './packing.js';
import type { Prng } from './prng.js';

const EPS = 1e-9;

/** Moves `other` to `otherTo`, then `item` to `to`; all or nothing. */
function tryChain(p: Packing, item: number, to: number, other: number, otherTo: number): boolean {
  const from = p.siteOf[item];
  const otherFrom = p.siteOf[other];
  p.place(item, -1);
  p.place(other, -1);
  if (p.fits(other, otherTo)) {
    p.place(other, otherTo);
    if (p.fits(item, to)) {
      p.place(item, to);
      return true;
    }
    p.place(other, -1);
  }
  p.place(other, otherFrom);
  p.place(item, from);
  return false;
}

/**
 * Applies the first improving move found for one item: relocate; swap with an occupant; push an occupant
 * elsewhere; push aside the replica of its spread group that holds the site's provider (or the site).
 */
function improveItem(m: BatchModel, p: Packing, id: number): boolean {
  const item = m.items[id];
  const from = p.siteOf[id];
  const cur = p.cost(item);
  for (const c of item.candidates) {
    const gain = cur - c.cost;
    if (gain <= EPS) break;
    const to = c.site.index;
    if (to === from) continue;
    if (p.tryPlace(id, to)) return true;
    const occupants = p.occupants.get(to);
    if (!occupants) continue;
    for (const other of [...occupants]) {
      if (!p.fitsInstead(id, to, other)) continue;
      const o = m.items[other];
      const oCost = p.cost(o, to);
      if (from >= 0) {
        const back = o.at.get(from);
        if (back && back.cost - oCost < gain - EPS && tryChain(p, id, to, other, from)) return true;
      }
      for (const d of o.candidates) {
        if (d.cost - oCost >= gain - EPS) break;
        const t = d.site.index;
        if (t === to || t === from || !p.fits(other, t)) continue;
        if (tryChain(p, id, to, other, t)) return true;
      }
    }
    // A replica of the same spread group on that site or provider: move it aside (only a lone blocker can be).
    const blockers = p.spreadBlockers(id, to);
    if (blockers.length !== 1) continue;
    const other = blockers[0];
    const o = m.items[other];
    const oCost = p.cost(o);
    for (const d of o.candidates) {
      if (d.cost - oCost >= gain - EPS) break;
      const t = d.site.index;
      if (t !== p.siteOf[other] && tryChain(p, id, to, other, t)) return true;
    }
  }
  return false;
}

/** Repeats passes over all items until none improves or `maxPasses` is reached; returns moves made. */
export function localSearch(m: BatchModel, p: Packing, maxPasses: number): number {
  let moves = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (let id = 0; id < m.items.length; id++) {
      while (improveItem(m, p, id)) {
        moves++;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return moves;
}

/**
 * Iterated local search: each round unplaces a few seeded-random replicas, puts them back greedily,
 * re-optimises, and keeps the result only if the objective dropped.
 */
export function perturb(m: BatchModel, p: Packing, prng: Prng, maxPasses: number, rounds: number): number {
  let moves = 0;
  let best = p.objective();
  const n = m.items.length;
  for (let round = 0; round < rounds && n > 1; round++) {
    const saved = Int32Array.from(p.siteOf);
    const kicks = Math.min(n, 2 + prng.int(Math.max(1, Math.ceil(n / 25))));
    const kicked: number[] = [];
    for (let k = 0; k < kicks; k++) {
      const id = prng.int(n);
      p.place(id, -1);
      kicked.push(id);
    }
    for (const id of kicked) {
      const cands = m.items[id].candidates;
      const start = cands.length > 1 ? prng.int(Math.min(3, cands.length)) : 0;
      for (let i = 0; i < cands.length; i++) if (p.tryPlace(id, cands[(start + i) % cands.length].site.index)) break;
    }
    const made = localSearch(m, p, maxPasses);
    const now = p.objective();
    if (now < best - EPS) {
      best = now;
      moves += made + kicks;
    } else {
      p.restore(saved);
    }
  }
  return moves;
}
