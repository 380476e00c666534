// Work queue semantics: de-duplication, no concurrent processing of a key, backoff.
import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './queue.js';

describe('WorkQueue', () => {
  it('de-duplicates queued keys', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('re-queues a key added while it is processed, only after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    q.done(k!);
    expect(q.length).toBe(1);
  });

  it('backs off exponentially per key and resets on forget', () => {
    const q = new WorkQueue({ baseMs: 10, maxMs: 50, jitter: 0 });
    expect([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')]).toEqual([
      10, 20, 40, 50,
    ]);
    q.forget('a');
    expect(q.retries('a')).toBe(0);
    q.shutDown();
  });

  it('keeps the earliest delayed add: a 1 s requeue behind a 60 s backoff is not lost', async () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue();
      q.addAfter('a', 60_000);
      q.addAfter('a', 1000);
      q.addAfter('a', 30_000);
      await vi.advanceTimersByTimeAsync(1000);
      expect(q.length).toBe(1);
      expect(q.hasDelayed('a')).toBe(false);
      expect(await q.get()).toBe('a');
      q.done('a');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(q.length).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an immediate add cancels a pending delayed one', async () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue();
      q.addAfter('a', 5000);
      q.addAfter('a', 0);
      expect(q.length).toBe(1);
      expect(await q.get()).toBe('a');
      q.done('a');
      await vi.advanceTimersByTimeAsync(5000);
      expect(q.length).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wakes waiting workers and releases them on shutdown', async () => {
    const q = new WorkQueue();
    const p = q.get();
    q.add('x');
    expect(await p).toBe('x');
    const p2 = q.get();
    q.shutDown();
    expect(await p2).toBeUndefined();
  });
});
