// Capacity reservations for optimistic commit: decisions made on the same snapshot never overcommit a site together.
import { addInto } from './defaults.js';
import type { MutableAmounts } from './defaults.js';
import type { Amounts, Decision, SiteUsage, Snapshot } from './types.js';

export interface CommitConflict {
  readonly site: string;
  /** The dimension that would be overcommitted, or 'site' when the site is not in the snapshot. */
  readonly dimension: 'cpu' | 'memory' | 'gpu' | 'storage' | 'site';
  readonly requested: number;
  readonly free: number;
}

export type CommitResult =
  { readonly ok: true } | { readonly ok: false; readonly conflicts: readonly CommitConflict[] };

const DIMS = ['gpu', 'cpu', 'memory', 'storage'] as const;

/** Key of a decision's reservation: one per deployment. */
export const reservationKey = (d: { namespace: string; name: string }): string => `${d.namespace}/${d.name}`;

/**
 * A ledger of capacity promised to committed decisions whose workloads the snapshot may not show yet.
 *
 * Contract for callers: decide with `place(snapshot, request, { reservations })`, then `tryCommit`;
 * on failure decide again (the ledger now shows the winners' capacity). `release` a deployment's
 * reservation once the snapshots you decide on include its workloads (or it is deleted); releasing
 * earlier lets the next decision overcommit, releasing later only makes decisions conservative.
 * Check-and-reserve is synchronous, hence atomic on the event loop.
 */
export class Reservations {
  private readonly byKey = new Map<string, readonly SiteUsage[]>();
  private readonly totals = new Map<string, MutableAmounts>();
  private latest: Snapshot | undefined;

  /** Remembers the newest snapshot, which tryCommit checks against when it is not given one. */
  observe(snapshot: Snapshot): void {
    this.latest = snapshot;
  }

  /** An independent copy (for trial placements that must not touch the real ledger). */
  clone(): Reservations {
    const c = new Reservations();
    c.latest = this.latest;
    for (const [k, usage] of this.byKey)
      c.byKey.set(
        k,
        usage.map((u) => ({ ...u })),
      );
    for (const [site, t] of this.totals) c.totals.set(site, { ...t });
    return c;
  }

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Amounts reserved on a site by everyone, or by everyone but the excluded key(s). */
  reservedOn(site: string, exclude?: string | ReadonlySet<string>): Amounts {
    const t = { ...(this.totals.get(site) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0 }) };
    const keys = exclude === undefined ? [] : typeof exclude === 'string' ? [exclude] : [...exclude];
    for (const key of keys) {
      const own = this.byKey.get(key)?.find((u) => u.site === site);
      if (own) addInto(t, own, -1);
    }
    return t;
  }

  /** Calls `fn` for every site with a reservation held by someone other than the excluded key(s). */
  forEachReserved(exclude: string | ReadonlySet<string>, fn: (site: string, amounts: Amounts) => void): void {
    for (const site of this.totals.keys()) {
      const r = this.reservedOn(site, exclude);
      if (r.cpu > 0 || r.memory > 0 || r.gpu > 0 || r.storage > 0) fn(site, r);
    }
  }

  /**
   * Reserves the decision's usage if every site it uses still has room: snapshot allocated + others'
   * reservations + this usage ≤ allocatable, for each dimension the decision uses. Replaces an earlier
   * reservation under the same key. On failure nothing changes. Checks against `snapshot`, else the
   * last observed one (throws when there is neither).
   */
  tryCommit(decision: Decision, snapshot: Snapshot | undefined = this.latest): CommitResult {
    if (!snapshot) throw new Error('Reservations.tryCommit needs a snapshot: pass one or call observe(snapshot) first');
    const key = reservationKey(decision);
    const conflicts: CommitConflict[] = [];
    for (const u of decision.usage) {
      const site = snapshot.siteByName(u.site);
      if (!site) {
        conflicts.push({ site: u.site, dimension: 'site', requested: 0, free: 0 });
        continue;
      }
      const others = this.reservedOn(u.site, key);
      for (const d of DIMS) {
        const free = site.allocatable[d] - site.allocated[d] - others[d];
        if (u[d] > 0 && u[d] > free) conflicts.push({ site: u.site, dimension: d, requested: u[d], free });
      }
    }
    if (conflicts.length > 0) return { ok: false, conflicts };
    this.release(key);
    const usage = decision.usage.map((u) => ({ ...u }));
    this.byKey.set(key, usage);
    for (const u of usage) {
      let t = this.totals.get(u.site);
      if (!t) this.totals.set(u.site, (t = { cpu: 0, memory: 0, gpu: 0, storage: 0 }));
      addInto(t, u);
    }
    return { ok: true };
  }

  /** Drops a reservation (by key or by decision); no-op when absent. */
  release(keyOrDecision: string | { namespace: string; name: string }): void {
    const key = typeof keyOrDecision === 'string' ? keyOrDecision : reservationKey(keyOrDecision);
    const usage = this.byKey.get(key);
    if (!usage) return;
    this.byKey.delete(key);
    for (const u of usage) {
      const t = this.totals.get(u.site);
      if (!t) continue;
      addInto(t, u, -1);
      if (t.cpu <= 0 && t.memory <= 0 && t.gpu <= 0 && t.storage <= 0) this.totals.delete(u.site);
    }
  }
}
