// Tests for the token-bucket rate limiter with a fake clock.
import { describe, expect, it } from 'vitest';
import { RateLimiter, tooManyRequests } from './ratelimit.js';

function limiter(ratePerSecond = 2, burst = 3, maxKeys?: number) {
  let t = 0;
  const l = new RateLimiter({ ratePerSecond, burst, now: () => t, ...(maxKeys ? { maxKeys } : {}) });
  return { l, advance: (ms: number) => void (t += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a Retry-After, then refills at the rate', () => {
    const { l, advance } = limiter();
    expect([1, 2, 3].map(() => l.take('a').ok)).toEqual([true, true, true]);
    expect(l.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    advance(499);
    expect(l.take('a').ok).toBe(false);
    advance(1);
    expect(l.take('a')).toEqual({ ok: true, remaining: 0 });
    advance(60_000);
    expect(l.take('a')).toEqual({ ok: true, remaining: 2 });
  });

  it('keeps keys independent', () => {
    const { l } = limiter(1, 1);
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a').ok).toBe(false);
    expect(l.take('b').ok).toBe(true);
  });

  it.each([
    [0.5, 1, 2],
    [0.1, 1, 10],
    [10, 1, 1],
  ])('computes retry-after at %s/s', (rate, burst, retry) => {
    const { l } = limiter(rate, burst);
    l.take('k');
    expect(l.take('k')).toEqual({ ok: false, retryAfterSeconds: retry });
  });

  it('bounds memory by dropping the least recently used bucket', () => {
    const { l } = limiter(1, 1, 2);
    l.take('a');
    l.take('b');
    l.take('a');
    l.take('c');
    expect(l.size).toBe(2);
    expect(l.take('a').ok).toBe(false); // still tracked: recently used
    expect(l.take('b').ok).toBe(true); // was dropped, comes back full
  });

  it('renders a 429 with Retry-After and validates its options', () => {
    const e = tooManyRequests({ retryAfterSeconds: 7 });
    expect([e.status, e.code, e.headers['Retry-After']]).toEqual([429, 'TooManyRequests', '7']);
    expect(() => new RateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => limiter(1, 2).l.take('x', 3)).toThrow(/exceeds burst/);
  });
});
