// Per-client-address limits for traffic without a valid credential, and aggregation of the audit records of refusals.
import { RateLimiter, type TakeResult } from '../../security/ratelimit.js';

export interface AddressLimitOptions {
  /** 401/403 answers per address: sustained per second (default 2) and burst (default 30). */
  failures?: { ratePerSecond: number; burst: number };
  /** Bootstrap exchanges per address: sustained per second (default 1) and burst (default 60: a site's agents behind one NAT). */
  bootstrap?: { ratePerSecond: number; burst: number };
  /** Refusals of one address within this many ms share one audit record plus one count (default 60 000). */
  auditWindowMs?: number;
  /** Addresses tracked; the least recently seen are dropped beyond this (default 10 000). */
  maxAddresses?: number;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
}

/** A window's refusals that were not audited one by one: one record says how many and from whom. */
export interface RefusalSummary {
  /** Who was refused, as given to `refusal` (e.g. "address 10.0.0.7", "subject end-user@acme"). */
  key: string;
  /** Refusals after the first (which has its own audit record). */
  count: number;
  from: string;
  to: string;
}

interface Window {
  start: number;
  last: number;
  suppressed: number;
}

/**
 * Guards the doors a caller reaches without a valid credential. Invariants: every 401/403 from an
 * address costs one token of its failure bucket and, once it is empty, the address's unauthenticated
 * requests get 429 without reaching the verifier's audit; bootstrap exchanges have their own bucket;
 * of the refusals of one address within `auditWindowMs` only the first is audited individually and
 * the rest become one RefusalSummary (emitted when the window ends), so a flood grows the audit log
 * by O(burst + windows), not O(requests). Memory is bounded by `maxAddresses`.
 */
export class AddressGuard {
  private readonly failures: RateLimiter;
  private readonly bootstraps: RateLimiter;
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  readonly windowMs: number;
  private readonly maxAddresses: number;

  constructor(opts: AddressLimitOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
    this.windowMs = opts.auditWindowMs ?? 60_000;
    const common = { now: this.now, maxKeys: this.maxAddresses };
    this.failures = new RateLimiter({ ratePerSecond: 2, burst: 30, ...opts.failures, ...common });
    this.bootstraps = new RateLimiter({ ratePerSecond: 1, burst: 60, ...opts.bootstrap, ...common });
  }

  /** Charges one failed (401/403) request to `ip`; refused once the address used up its failure burst. */
  failure(ip: string): TakeResult {
    return this.failures.take(ip);
  }

  /** Charges one bootstrap exchange to `ip`. */
  bootstrap(ip: string): TakeResult {
    return this.bootstraps.take(ip);
  }

  /**
   * Notes a refusal of `key` (an address or a subject). Returns true when it must be audited individually (the first of its
   * window); later ones are counted, and `drain` reports the count when the window has ended.
   */
  refusal(key: string): { audit: boolean; ended?: RefusalSummary } {
    const now = this.now();
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs) {
      w.suppressed++;
      w.last = now;
      return { audit: false };
    }
    const ended = w ? summary(key, w) : undefined;
    this.windows.delete(key);
    this.windows.set(key, { start: now, last: now, suppressed: 0 });
    let evicted: RefusalSummary | undefined;
    if (this.windows.size > this.maxAddresses) {
      const [oldKey, old] = this.windows.entries().next().value as [string, Window];
      this.windows.delete(oldKey);
      evicted = summary(oldKey, old);
    }
    // At most one summary per call: an eviction's count is reported instead of a (rarer) same-address one.
    const report = ended ?? evicted;
    return { audit: true, ...(report ? { ended: report } : {}) };
  }

  /** Summaries of windows that have ended (all of them when `all`), forgetting those windows. */
  drain(all = false): RefusalSummary[] {
    const now = this.now();
    const out: RefusalSummary[] = [];
    for (const [key, w] of this.windows) {
      if (!all && now - w.start < this.windowMs) continue;
      this.windows.delete(key);
      const s = summary(key, w);
      if (s) out.push(s);
    }
    return out;
  }
}

function summary(key: string, w: Window): RefusalSummary | undefined {
  if (w.suppressed === 0) return undefined;
  return { key, count: w.suppressed, from: new Date(w.start).toISOString(), to: new Date(w.last).toISOString() };
}
