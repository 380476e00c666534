// Flat-array state of a batch (free capacity, spread counts, who is where) with O(1) move checks for local search.
import type { BatchItem, BatchModel } from './batch-model.js';
import { UNPLACED_PENALTY } from './defaults.js';

const D = 4;

/**
 * Invariant: for every site, free[site·4+d] = allocatable − allocated − load outside the batch − Σ
 * demand of the items on it; a move is only made when it keeps every dimension the item uses ≥ 0,
 * and spread groups never hold two replicas on one site (or provider), counting the request's existing replicas.
 */
export class Packing {
  readonly free: Float64Array;
  /** Free capacity before any batch item was placed (same layout as `free`). */
  readonly capacity: Float64Array;
  readonly demand: Float64Array;
  readonly siteOf: Int32Array;
  /** Items on each site (by snapshot site index), in insertion order. */
  readonly occupants = new Map<number, Set<number>>();
  /** Spread group of each item (-1 none); per group: replicas per site and per provider (by name, registered or not). */
  private readonly spreadGroup: Int32Array;
  private readonly spreadSites: boolean[] = [];
  private readonly spreadProviders: boolean[] = [];
  private readonly siteCounts: Map<number, number>[] = [];
  private readonly providerCounts: Map<number, number>[] = [];
  private readonly providerOf: Int32Array;
  /** Items of each spread group. */
  private readonly groupItems: number[][] = [];

  constructor(readonly model: BatchModel) {
    const { snapshot, items, extra } = model;
    this.free = new Float64Array(snapshot.sites.length * D);
    this.providerOf = new Int32Array(snapshot.sites.length);
    const providerIds = new Map<string, number>();
    for (const s of snapshot.sites) {
      const e = extra.get(s.index);
      const base = s.index * D;
      this.free[base] = s.allocatable.gpu - s.allocated.gpu;
      this.free[base + 1] = s.allocatable.cpu - s.allocated.cpu;
      this.free[base + 2] = s.allocatable.memory - s.allocated.memory;
      this.free[base + 3] = s.allocatable.storage - s.allocated.storage;
      if (e) {
        this.free[base] -= e.gpu;
        this.free[base + 1] -= e.cpu;
        this.free[base + 2] -= e.memory;
        this.free[base + 3] -= e.storage;
      }
      let pid = providerIds.get(s.provider);
      if (pid === undefined) providerIds.set(s.provider, (pid = providerIds.size));
      this.providerOf[s.index] = pid;
    }
    this.capacity = Float64Array.from(this.free);
    this.demand = new Float64Array(items.length * D);
    this.siteOf = new Int32Array(items.length).fill(-1);
    this.spreadGroup = new Int32Array(items.length).fill(-1);
    const groupIds = new Map<string, number>();
    for (const it of items) {
      const r = it.component.resources;
      this.demand.set([r.gpu, r.cpu, r.memory, r.storage], it.id * D);
      const sp = it.component.requirements.spread;
      if (!sp?.sites && !sp?.providers) continue;
      const key = `${it.request}/${it.component.name}`;
      let g = groupIds.get(key);
      if (g === undefined) {
        groupIds.set(key, (g = this.siteCounts.length));
        this.spreadSites.push(sp.sites ?? false);
        this.spreadProviders.push(sp.providers ?? false);
        this.siteCounts.push(new Map());
        this.providerCounts.push(new Map());
        this.groupItems.push([]);
      }
      this.spreadGroup[it.id] = g;
      this.groupItems[g].push(it.id);
    }
    // Replicas outside the batch that stay where they are (request.existing) hold their site and provider.
    for (const [key, g] of groupIds) {
      const slash = key.indexOf('/');
      const request = model.requests[Number(key.slice(0, slash))];
      const component = key.slice(slash + 1);
      for (const e of request.existing ?? []) {
        const s = e.component === component ? snapshot.siteByName(e.site) : undefined;
        if (!s) continue;
        bump(this.siteCounts[g], s.index, 1);
        bump(this.providerCounts[g], this.providerOf[s.index], 1);
      }
    }
  }

  cost(item: BatchItem, site = this.siteOf[item.id]): number {
    return site < 0 ? UNPLACED_PENALTY : item.at.get(site)!.cost;
  }

  objective(): number {
    let s = 0;
    for (const it of this.model.items) s += this.cost(it);
    return s;
  }

  /** Whether `item` (currently elsewhere or unplaced) fits on `site` as things stand. */
  fits(item: number, site: number): boolean {
    const b = site * D;
    const q = item * D;
    for (let d = 0; d < D; d++) {
      const need = this.demand[q + d];
      if (need > 0 && need > this.free[b + d]) return false;
    }
    const g = this.spreadGroup[item];
    if (g >= 0) {
      if (this.spreadSites[g] && (this.siteCounts[g].get(site) ?? 0) > 0) return false;
      if (this.spreadProviders[g] && (this.providerCounts[g].get(this.providerOf[site]) ?? 0) > 0) return false;
    }
    return true;
  }

  /** Placed items of `item`'s spread group that keep it off `site` (same site, or same provider, as the group asks). */
  spreadBlockers(item: number, site: number): number[] {
    const g = this.spreadGroup[item];
    if (g < 0) return [];
    const out: number[] = [];
    for (const other of this.groupItems[g]) {
      const at = this.siteOf[other];
      if (other === item || at < 0) continue;
      if (
        (this.spreadSites[g] && at === site) ||
        (this.spreadProviders[g] && this.providerOf[at] === this.providerOf[site])
      )
        out.push(other);
    }
    return out;
  }

  /** Capacity-only pre-check: would `item` fit on `site` if `other` (on that site) left? Spread is not considered. */
  fitsInstead(item: number, site: number, other: number): boolean {
    const b = site * D;
    const q = item * D;
    const o = other * D;
    for (let d = 0; d < D; d++) {
      const need = this.demand[q + d];
      if (need > 0 && need > this.free[b + d] + this.demand[o + d]) return false;
    }
    return true;
  }

  /** Moves an item without checking (site -1 unplaces it). */
  place(item: number, site: number): void {
    const from = this.siteOf[item];
    if (from === site) return;
    if (from >= 0) this.account(item, from, 1);
    this.siteOf[item] = site;
    if (site >= 0) this.account(item, site, -1);
  }

  /** Places every item where `sites` says (-1: unplaced), without checks; `sites` must come from a feasible state. */
  restore(sites: Int32Array): void {
    for (let id = 0; id < sites.length; id++) this.place(id, -1);
    for (let id = 0; id < sites.length; id++) if (sites[id] >= 0) this.place(id, sites[id]);
  }

  /** Checks and moves; returns false and changes nothing when the item does not fit. */
  tryPlace(item: number, site: number): boolean {
    const from = this.siteOf[item];
    this.place(item, -1);
    if (this.fits(item, site)) {
      this.place(item, site);
      return true;
    }
    this.place(item, from);
    return false;
  }

  private account(item: number, site: number, sign: 1 | -1): void {
    const b = site * D;
    const q = item * D;
    for (let d = 0; d < D; d++) this.free[b + d] += sign * this.demand[q + d];
    let occ = this.occupants.get(site);
    if (!occ) this.occupants.set(site, (occ = new Set()));
    if (sign < 0) occ.add(item);
    else occ.delete(item);
    const g = this.spreadGroup[item];
    if (g >= 0) {
      bump(this.siteCounts[g], site, -sign);
      bump(this.providerCounts[g], this.providerOf[site], -sign);
    }
  }
}

/** Comparator for descending order that treats equal infinities as equal. */
export const byDescending = (a: number, b: number): number => (a === b ? 0 : a > b ? -1 : 1);

function bump(m: Map<number, number>, k: number, delta: number): void {
  const n = (m.get(k) ?? 0) + delta;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}
