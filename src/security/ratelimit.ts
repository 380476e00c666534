// Rate limiting: token buckets keyed by subject, tenant or client address, with an injectable clock.
import { ApiError } from '../model/index.js';

export interface RateLimitOptions {
  /** Sustained requests per second per key. */
  ratePerSecond: number;
  /** Bucket size: how many requests may come at once after a quiet period. */
  burst: number;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
  /** Buckets kept; the least recently used are dropped beyond this (default 10 000). */
  maxKeys?: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets: each key starts full (`burst`), refills continuously at `ratePerSecond`, and a
 * request costs 1 (or `cost`). Memory is bounded by `maxKeys`; a dropped bucket comes back full,
 * which only matters for keys idle long enough to be least recently used.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: RateLimitOptions) {
    if (!(opts.ratePerSecond > 0) || !(opts.burst >= 1))
      throw new RangeError('rate limit needs ratePerSecond > 0 and burst >= 1');
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  take(key: string, cost = 1): TakeResult {
    return this.takeAll([key], cost);
  }

  /**
   * Takes `cost` from every key's bucket, or from none: when any bucket lacks the tokens the
   * request is refused and no bucket is charged (so a refusal by one limit does not drain another).
   */
  takeAll(keys: readonly string[], cost = 1): TakeResult {
    if (cost > this.opts.burst) throw new RangeError(`cost ${cost} exceeds burst ${this.opts.burst}`);
    const now = this.now();
    const buckets = keys.map((k) => this.refill(k, now));
    const short = buckets.filter((b) => b.tokens < cost);
    if (short.length > 0) {
      const wait = Math.max(...short.map((b) => (cost - b.tokens) / this.opts.ratePerSecond));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    }
    for (const b of buckets) b.tokens -= cost;
    return { ok: true, remaining: Math.floor(Math.min(...buckets.map((b) => b.tokens))) };
  }

  /** Whether `take(key, cost)` would succeed now (charges nothing). */
  wouldAllow(key: string, cost = 1): boolean {
    const prev = this.buckets.get(key);
    if (!prev) return cost <= this.opts.burst;
    return this.level(prev, this.now()) >= cost;
  }

  private level(b: Bucket, now: number): number {
    return Math.min(this.opts.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.opts.ratePerSecond);
  }

  /** The key's bucket refilled to `now`, moved to the most recently used end (evicting beyond maxKeys). */
  private refill(key: string, now: number): Bucket {
    const prev = this.buckets.get(key);
    const b: Bucket = prev ? { tokens: this.level(prev, now), at: now } : { tokens: this.opts.burst, at: now };
    // Re-insert to keep Map order = least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return b;
  }

  /** Number of buckets held (for metrics and tests). */
  get size(): number {
    return this.buckets.size;
  }
}

/** The 429 for a refused take(), with a Retry-After header. */
export function tooManyRequests(r: { retryAfterSeconds: number }, what = 'rate limit'): ApiError {
  return new ApiError('TooManyRequests', `${what} exceeded; retry after ${r.retryAfterSeconds}s`, [], {
    'Retry-After': String(r.retryAfterSeconds),
  });
}
