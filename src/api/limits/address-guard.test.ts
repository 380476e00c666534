// AddressGuard with a fake clock: failure and bootstrap buckets per address, one audited refusal per window plus a count.
import { describe, expect, it } from 'vitest';
import { AddressGuard } from './address-guard.js';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('AddressGuard', () => {
  it('refuses an address after its failure burst, other addresses unaffected, refills over time', () => {
    const c = clock();
    const g = new AddressGuard({ failures: { ratePerSecond: 1, burst: 3 }, now: c.now });
    expect([1, 2, 3, 4].map(() => g.failure('10.0.0.1').ok)).toEqual([true, true, true, false]);
    expect(g.failure('10.0.0.2').ok).toBe(true);
    c.advance(1_000);
    expect(g.failure('10.0.0.1').ok).toBe(true);
    expect(g.failure('10.0.0.1').ok).toBe(false);
  });

  it('keeps bootstrap and failure budgets apart', () => {
    const g = new AddressGuard({ failures: { ratePerSecond: 1, burst: 1 }, bootstrap: { ratePerSecond: 1, burst: 2 } });
    expect(g.failure('a').ok).toBe(true);
    expect(g.failure('a').ok).toBe(false);
    expect([g.bootstrap('a').ok, g.bootstrap('a').ok, g.bootstrap('a').ok]).toEqual([true, true, false]);
  });

  it.each([
    ['one refusal: audited, no summary', 1, 0, 0],
    ['1,000 refusals in one window: 1 audited, 1 summary of 999', 1_000, 0, 999],
    ['refusals across two windows: 2 audited, 2 summaries', 10, 600, 8],
  ])('%s', (_name, n, stepMs, summed) => {
    const c = clock();
    const g = new AddressGuard({ auditWindowMs: 3_000, now: c.now });
    let audited = 0;
    let counted = 0;
    for (let i = 0; i < n; i++) {
      const r = g.refusal('address 10.0.0.9');
      if (r.audit) audited++;
      counted += r.ended?.count ?? 0;
      c.advance(stepMs);
    }
    c.advance(3_000);
    const rest = g.drain();
    counted += rest.reduce((s, x) => s + x.count, 0);
    expect(audited + counted).toBe(n);
    expect(counted).toBe(summed);
    expect(g.drain(true)).toEqual([]);
  });

  it('does not report a window before it ends, and bounds the addresses it tracks', () => {
    const c = clock();
    const g = new AddressGuard({ auditWindowMs: 1_000, maxAddresses: 2, now: c.now });
    g.refusal('a');
    g.refusal('a');
    expect(g.drain()).toEqual([]);
    g.refusal('b');
    // A third key evicts the least recently started window ("a") and reports its count.
    expect(g.refusal('c')).toMatchObject({ audit: true, ended: { key: 'a', count: 1 } });
  });
});
