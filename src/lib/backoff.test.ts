// The back-off policy: doubling, cap, jitter bounds, reset, abortable sleep.
import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, sleep } from './backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, { baseMs: 100, maxMs: 5000 }, 100],
    [1, { baseMs: 100, maxMs: 5000 }, 200],
    [5, { baseMs: 100, maxMs: 5000 }, 3200],
    [6, { baseMs: 100, maxMs: 5000 }, 5000],
    [1000, { baseMs: 100, maxMs: 5000 }, 5000],
    [-3, { baseMs: 100, maxMs: 5000 }, 100],
    [3, {}, 800],
    [0, { baseMs: 0, maxMs: 0 }, 1],
    [2, { baseMs: 50, maxMs: 10 }, 50],
  ])('attempt %i with %o → %i ms', (attempt, cfg, want) => {
    expect(backoffDelay(attempt, cfg, () => 0.999)).toBe(want);
  });

  it.each([0, 0.25, 0.5, 1])('jitter %f keeps delays within [d·(1-j), d]', (jitter) => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const full = backoffDelay(attempt, { baseMs: 10, maxMs: 4000 });
      for (const r of [0, 0.3, 0.7, 0.999999]) {
        const d = backoffDelay(attempt, { baseMs: 10, maxMs: 4000, jitter }, () => r);
        expect(d).toBeLessThanOrEqual(full);
        expect(d).toBeGreaterThanOrEqual(Math.max(1, Math.floor(full * (1 - jitter))));
      }
    }
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const b = new Backoff({ baseMs: 5, maxMs: 20 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([5, 10, 20, 20, 20]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.next()).toBe(5);
  });
});

describe('sleep', () => {
  it('ends early and quietly when aborted', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('resolves at once on an aborted signal', async () => {
    await expect(sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
  });
});
