// The batch model: every replica of every request with its candidate sites and static costs, plus move checks.
import { PlacementContext } from './context.js';
import type { MutableAmounts } from './defaults.js';
import { replicaCost } from './greedy.js';
import { planGroup } from './plan.js';
import type { Plan } from './plan.js';
import type { Reservations } from './reservations.js';
import { reservationKey } from './reservations.js';
import { searchExhaustive, searchIndexed } from './search.js';
import type { SearchStats } from './search.js';
import type { PlacementHooks, PlacementRequest, RequestComponent, Snapshot, SnapshotSite } from './types.js';

export interface BatchCandidate {
  readonly site: SnapshotSite;
  readonly score: number;
  readonly tier: number;
  /** 100 − score + tier penalty: what the batch minimises. */
  readonly cost: number;
}

/** One replica in the batch. `site` is where its context currently counts it (-1: nowhere); the Packing is authoritative. */
export interface BatchItem {
  readonly id: number;
  readonly request: number;
  readonly ctx: PlacementContext;
  readonly plan: Plan;
  readonly component: RequestComponent;
  readonly replica: number;
  /** Candidates by ascending cost (ties in the search's order). */
  readonly candidates: BatchCandidate[];
  /** Candidate by site index (candidates and this map are shared by the replicas of a group). */
  readonly at: Map<number, BatchCandidate>;
  site: number;
}

export interface BatchGroup {
  readonly request: number;
  readonly plan: Plan;
  readonly stats: SearchStats;
  readonly items: BatchItem[];
}

export interface BatchModel {
  readonly snapshot: Snapshot;
  readonly requests: readonly PlacementRequest[];
  readonly contexts: readonly PlacementContext[];
  readonly items: BatchItem[];
  readonly groups: BatchGroup[];
  /** Load beyond snapshot.allocated shared by all contexts: reservations outside the batch plus the batch's replicas. */
  readonly extra: Map<number, MutableAmounts>;
  /** Items by the site index they are on. */
  readonly bySite: Map<number, Set<BatchItem>>;
}

export interface BatchModelOptions {
  seed: number;
  reservations?: Reservations;
  hooks?: PlacementHooks;
  /** Candidates kept per replica (default 32; `Infinity` keeps every feasible site). */
  candidates?: number;
  /** Use the exhaustive scan to find candidates (the bench's reference model). */
  exhaustive?: boolean;
}

/**
 * Builds the model. Candidates pass every filter against the snapshot and the reservations (capacity
 * is re-checked on every move, spread too); scores use the 'static' load basis, so a replica's cost
 * does not depend on where the other batch replicas go and the objective is a plain sum.
 */
export function buildBatchModel(
  snapshot: Snapshot,
  requests: readonly PlacementRequest[],
  opts: BatchModelOptions,
): BatchModel {
  const extra = new Map<number, MutableAmounts>();
  opts.reservations?.forEachReserved(new Set(requests.map(reservationKey)), (name, amounts) => {
    const site = snapshot.siteByName(name);
    if (site) extra.set(site.index, { ...amounts });
  });
  const k = opts.candidates ?? 32;
  const search = opts.exhaustive ? searchExhaustive : searchIndexed;
  const items: BatchItem[] = [];
  const groups: BatchGroup[] = [];
  const contexts = requests.map((request, ri) => {
    const ctx = new PlacementContext(snapshot, request, {
      seed: opts.seed,
      loadBasis: 'static',
      extra,
      ...(opts.hooks ? { hooks: opts.hooks } : {}),
    });
    for (const component of request.components) {
      let replica = 0;
      for (const group of component.groups) {
        if (group.replicas <= 0) continue;
        const plan = planGroup(ctx, component, group);
        const res = search(ctx, plan, Math.min(k, snapshot.sites.length));
        const candidates = res.found
          .map((c) => ({ site: c.site, score: c.score, tier: c.tier, cost: replicaCost(c) }))
          .sort((a, b) => a.cost - b.cost);
        const at = new Map(candidates.map((c) => [c.site.index, c]));
        const g: BatchGroup = { request: ri, plan, stats: res.stats, items: [] };
        for (let r = 0; r < group.replicas; r++) {
          const item: BatchItem = {
            id: items.length,
            request: ri,
            ctx,
            plan,
            component,
            replica: replica++,
            candidates,
            at,
            site: -1,
          };
          items.push(item);
          g.items.push(item);
        }
        groups.push(g);
      }
    }
    return ctx;
  });
  return { snapshot, requests, contexts, items, groups, extra, bySite: new Map() };
}

/** Moves an item in its context (siteIndex -1: unplaces it), so engine searches see it; no checks. */
export function assign(m: BatchModel, item: BatchItem, siteIndex: number): void {
  if (item.site >= 0) {
    item.ctx.unuse(m.snapshot.sites[item.site], item.component);
    m.bySite.get(item.site)?.delete(item);
  }
  item.site = siteIndex;
  if (siteIndex >= 0) {
    item.ctx.use(m.snapshot.sites[siteIndex], item.component);
    let s = m.bySite.get(siteIndex);
    if (!s) m.bySite.set(siteIndex, (s = new Set()));
    s.add(item);
  }
}

/** Adds a candidate found outside the initial list (shared by the item's group, kept sorted by cost). */
export function addCandidate(item: BatchItem, c: BatchCandidate): void {
  if (item.at.has(c.site.index)) return;
  let i = item.candidates.length;
  while (i > 0 && item.candidates[i - 1].cost > c.cost) i--;
  item.candidates.splice(i, 0, c);
  item.at.set(c.site.index, c);
}
