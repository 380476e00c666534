// Per-credential rate limiting: token buckets keyed by token id (or subject), with an injectable clock.
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
    if (cost > this.opts.burst) throw new RangeError(`cost ${cost} exceeds burst ${this.opts.burst}`);
    const now = this.now();
    const prev = this.buckets.get(key);
    const b: Bucket = prev
      ? {
          tokens: Math.min(
            this.opts.burst,
            prev.tokens + (Math.max(0, now - prev.at) / 1000) * this.opts.ratePerSecond,
          ),
          at: now,
        }
      : { tokens: this.opts.burst, at: now };
    // Re-insert to keep Map order = least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - b.tokens) / this.opts.ratePerSecond)) };
  }

  /** Number of buckets held (for metrics and tests). */
  get size(): number {
    return this.buckets.size;
  }
}

/** The 429 for a refused take(), with a Retry-After header. */
export function tooManyRequests(r: { retryAfterSeconds: number }): ApiError {
  return new ApiError('TooManyRequests', `rate limit exceeded; retry after ${r.retryAfterSeconds}s`, [], {
    'Retry-After': String(r.retryAfterSeconds),
  });
}
