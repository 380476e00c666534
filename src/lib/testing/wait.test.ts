// The shared wait helper: resolves with the first truthy value, retries errors, and fails naming what it awaited.
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from './wait.js';

describe('waitFor', () => {
  it.each([
    ['a value at once', [7], 7, 1],
    ['a value after falsy ones', [0, '', null, false, 'yes'], 'yes', 5],
    ['a value after errors', [new Error('not yet'), new Error('still not'), { ok: true }], { ok: true }, 3],
  ])('resolves with %s', async (_name, answers, want, calls) => {
    let n = 0;
    const got = await waitFor(
      async () => {
        const a = answers[n++];
        if (a instanceof Error) throw a;
        return a;
      },
      'the answer',
      1000,
      1,
    );
    expect(got).toEqual(want);
    expect(n).toBe(calls);
  });

  it.each([
    [
      'the last value',
      () => null,
      /^timed out waiting for the pod to run \(4 attempts over \d+ ms; last value: null\)$/,
    ],
    [
      'the last error',
      () => {
        throw new Error('connect ECONNREFUSED');
      },
      /^timed out waiting for the pod to run \(4 attempts over \d+ ms; last error: connect ECONNREFUSED\)$/,
    ],
  ])('times out after a bounded number of attempts, reporting %s', async (_name, probe, message) => {
    let n = 0;
    const err = await waitFor(
      () => {
        n++;
        return probe();
      },
      'the pod to run',
      40,
      10,
    ).catch((e: unknown) => e);
    expect(n).toBe(4);
    expect((err as Error).message).toMatch(message);
  });

  it('gives up on slow probes after twice its timeout on the wall clock, before using every attempt', async () => {
    let n = 0;
    const t0 = Date.now();
    const err = await waitFor(
      async () => {
        n++;
        await sleep(30);
        return false;
      },
      'a slow probe',
      50,
      1,
    ).catch((e: unknown) => e);
    expect(n).toBeLessThan(50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect((err as Error).message).toMatch(
      new RegExp(`^timed out waiting for a slow probe \\(${n} attempts over \\d+ ms`),
    );
  });
});
