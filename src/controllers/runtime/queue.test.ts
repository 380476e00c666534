// Work queue semantics: de-duplication, no concurrent processing of a key, backoff.
import { describe, expect, it } from 'vitest';
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
    const q = new WorkQueue({ baseMs: 10, maxMs: 50 });
    expect([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')]).toEqual([
      10, 20, 40, 50,
    ]);
    q.forget('a');
    expect(q.retries('a')).toBe(0);
    q.shutDown();
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
