// Error-budget arithmetic against hand-computed windows.
import { describe, expect, it } from 'vitest';
import { evaluate, trim } from './budget.js';

describe('SLO error budget', () => {
  it('all Ready keeps the whole budget', () => {
    expect(evaluate([{ at: 0, ready: 2, total: 2 }], 10_000, 60_000, 99)).toEqual({
      availability: 100,
      budgetRemaining: 100,
      coveredMs: 10_000,
    });
  });
  it('one of two replicas down for 1 s of 100 s at 99 % spends half of the budget', () => {
    const s = [
      { at: 0, ready: 2, total: 2 },
      { at: 50_000, ready: 1, total: 2 },
      { at: 51_000, ready: 2, total: 2 },
    ];
    // 0.5 % unavailable of a 1 % budget.
    expect(evaluate(s, 100_000, 100_000, 99)).toMatchObject({ availability: 99.5, budgetRemaining: 50 });
  });
  it('time before the window does not count and the budget never goes below 0', () => {
    const s = [
      { at: 0, ready: 0, total: 1 },
      { at: 90_000, ready: 1, total: 1 },
    ];
    expect(evaluate(s, 100_000, 10_000, 99.9).budgetRemaining).toBe(100);
    expect(evaluate(s, 100_000, 20_000, 99.9)).toMatchObject({ availability: 50, budgetRemaining: 0 });
  });
  it('no replicas is no data, not an outage', () => {
    expect(evaluate([{ at: 0, ready: 0, total: 0 }], 5000, 10_000, 99)).toEqual({ budgetRemaining: 100, coveredMs: 0 });
  });
  it('trim keeps the sample reaching into the window', () => {
    const s = [0, 5, 10, 15].map((at) => ({ at, ready: 1, total: 1 }));
    expect(trim(s, 20, 8).map((x) => x.at)).toEqual([10, 15]);
  });
});
