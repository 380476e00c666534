// The carbon benchmark's claims (seeded, so deterministic): constraints all hold, space and time each cut gCO2e.
import { describe, expect, it } from 'vitest';
import { runCarbonBench } from './main.js';

describe('bench/carbon', () => {
  it('spatial+temporal emits ≥ 35 % less than carbon-blind with 0 violated constraints and 0 missed deadlines', () => {
    const { rows, notes } = runCarbonBench();
    const [blind, spatial, both] = rows;
    for (const r of rows) expect([r.strategy, r.violations, r.missedDeadlines]).toEqual([r.strategy, 0, 0]);
    expect(spatial.grams).toBeLessThan(blind.grams);
    expect(both.grams).toBeLessThan(spatial.grams);
    expect(1 - both.grams / blind.grams).toBeGreaterThanOrEqual(0.35);
    expect(notes.some((n) => /deferred \d+ h to/.test(n))).toBe(true);
  }, 120_000);
});
