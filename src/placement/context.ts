// The one context object passed through a decision: snapshot, extra load, spread state, and per-group plans.
import { CATEGORIES } from '../model/index.js';
import type { Category } from '../model/index.js';
import { addInto } from './defaults.js';
import type { MutableAmounts } from './defaults.js';
import { mix32 } from './prng.js';
import type { Reservations } from './reservations.js';
import type {
  Amounts,
  PlacementHooks,
  PlacementRequest,
  ReplicaGroup,
  RequestComponent,
  Snapshot,
  SnapshotArea,
  SnapshotSite,
  Weights,
} from './types.js';
import type { Filter, Penalty, Scorer } from './stage.js';

export interface ActiveFilter {
  readonly filter: Filter;
  readonly state: unknown;
}

export interface ActiveScorer {
  readonly scorer: Scorer;
  readonly state: unknown;
  readonly weight: number;
}

export interface ActivePenalty {
  readonly penalty: Penalty;
  readonly state: unknown;
}

/** A latency bound with its area resolved against the snapshot (undefined: unknown area, nothing passes). */
export interface ResolvedBound {
  readonly areaName: string;
  readonly area: SnapshotArea | undefined;
  readonly maxMs: number;
}

/** Everything decided once per (component, area group) before the replicas are searched for. */
export interface GroupPlan {
  readonly component: RequestComponent;
  readonly group: ReplicaGroup;
  readonly req: Amounts;
  /** The group's own area, when it has a known one. */
  readonly area: SnapshotArea | undefined;
  readonly latencyBounds: readonly ResolvedBound[];
  /** Category bit masks in preference order; the last is the fallback (rest of allowed). */
  readonly tiers: readonly number[];
  readonly weights: Weights;
  readonly filters: readonly ActiveFilter[];
  readonly scorers: readonly ActiveScorer[];
  readonly penalties: readonly ActivePenalty[];
  readonly weightSum: number;
}

export const categoryBit = (c: Category): number => 1 << CATEGORIES.indexOf(c);

/** Whether balance and bin-packing see this decision's own earlier replicas ('dynamic') or only prior load ('static'). */
export type LoadBasis = 'dynamic' | 'static';

export interface ContextOptions {
  seed: number;
  reservations?: Reservations;
  hooks?: PlacementHooks;
  loadBasis?: LoadBasis;
  /** Share an extra-load map between contexts (batch placement); reservations are then the caller's to put in. */
  extra?: Map<number, MutableAmounts>;
}

/** Mutable state of one decision; never shared between decisions. */
export class PlacementContext {
  readonly snapshot: Snapshot;
  readonly request: PlacementRequest;
  readonly seed: number;
  readonly hooks: PlacementHooks;
  /** Load beyond snapshot.allocated by site index: others' reservations plus this decision's replicas. */
  readonly extra: Map<number, MutableAmounts>;
  /** Load beyond snapshot.allocated that balance/bin-packing score against. */
  readonly scoringLoad: Map<number, MutableAmounts>;
  /** Replicas per site index and per provider name (registered or not), by component name (for spread). */
  readonly usedSites = new Map<string, Map<number, number>>();
  readonly usedProviders = new Map<string, Map<string, number>>();
  /** Total of this decision's placed replicas. */
  readonly placed: MutableAmounts = { cpu: 0, memory: 0, gpu: 0, storage: 0 };
  readonly seedMix: number;

  constructor(snapshot: Snapshot, request: PlacementRequest, opts: ContextOptions) {
    this.snapshot = snapshot;
    this.request = request;
    this.seed = opts.seed;
    this.seedMix = mix32(opts.seed + 0x9e3779b9);
    this.hooks = opts.hooks ?? {};
    if (opts.extra) this.extra = opts.extra;
    else {
      this.extra = new Map();
      const key = `${request.namespace}/${request.name}`;
      opts.reservations?.forEachReserved(key, (siteName, amounts) => {
        const site = snapshot.siteByName(siteName);
        if (site) this.extra.set(site.index, { ...amounts });
      });
    }
    // Replicas that stay where they are count for spread from the start (their load is in the snapshot already).
    for (const e of request.existing ?? []) {
      const site = snapshot.siteByName(e.site);
      if (!site) continue;
      bump(this.usedSites, e.component, site.index, 1);
      bump(this.usedProviders, e.component, site.provider, 1);
    }
    if ((opts.loadBasis ?? 'dynamic') === 'dynamic') this.scoringLoad = this.extra;
    else this.scoringLoad = new Map([...this.extra].map(([i, a]) => [i, { ...a }]));
  }

  /** Seeded tie-break key of a site: lower wins among equal scores. */
  tie(site: SnapshotSite): number {
    return mix32(site.hash ^ this.seedMix);
  }

  /** Records a replica of `component` on `site`. */
  use(site: SnapshotSite, component: RequestComponent): void {
    let e = this.extra.get(site.index);
    if (!e) this.extra.set(site.index, (e = { cpu: 0, memory: 0, gpu: 0, storage: 0 }));
    addInto(e, component.resources);
    addInto(this.placed, component.resources);
    bump(this.usedSites, component.name, site.index, 1);
    bump(this.usedProviders, component.name, site.provider, 1);
  }

  /** Undoes `use` (batch search moves replicas around). */
  unuse(site: SnapshotSite, component: RequestComponent): void {
    const e = this.extra.get(site.index);
    if (e) addInto(e, component.resources, -1);
    addInto(this.placed, component.resources, -1);
    bump(this.usedSites, component.name, site.index, -1);
    bump(this.usedProviders, component.name, site.provider, -1);
  }
}

function bump<K>(m: Map<string, Map<K, number>>, component: string, key: K, delta: number): void {
  let counts = m.get(component);
  if (!counts) m.set(component, (counts = new Map()));
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
