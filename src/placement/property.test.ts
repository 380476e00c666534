// Property-based tests: no hard-constraint violation, no overcommit, determinism, and index = exhaustive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeBatch } from './batch.js';
import { place, placeExhaustive } from './engine.js';
import { Reservations } from './reservations.js';
import { createSnapshot } from './snapshot.js';
import { worldArb } from './testing/arbitraries.js';
import type { Decision } from './types.js';
import { verifyDecisions } from './verify.js';

const RUNS = { numRuns: Number(process.env.PROP_RUNS ?? 150), seed: Number(process.env.PROP_SEED ?? 20261121) };

describe('placement properties', () => {
  it('a decision never violates a hard constraint nor exceeds capacity', () => {
    fc.assert(
      fc.property(worldArb, ({ input, requests, seed }) => {
        const s = createSnapshot(input);
        for (const r of requests) expect(verifyDecisions(s, [r], [place(s, r, { seed })])).toEqual([]);
      }),
      RUNS,
    );
  });

  it('same snapshot + request + seed gives the same decision, whatever the index shape', () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom(1, 3, 64), ({ input, requests, seed }, leafSize) => {
        const a = createSnapshot(input);
        const b = createSnapshot({ ...input, leafSize });
        for (const r of requests) {
          const d = place(a, r, { seed });
          expect(place(a, r, { seed })).toEqual(d);
          expect(place(b, r, { seed }).assignments).toEqual(d.assignments);
        }
      }),
      RUNS,
    );
  });

  it('the indexed engine decides exactly like the exhaustive baseline, and explains failures identically', () => {
    fc.assert(
      fc.property(worldArb, ({ input, requests, seed }) => {
        const s = createSnapshot(input);
        for (const r of requests) {
          const d = place(s, r, { seed });
          const e = placeExhaustive(s, r, { seed });
          expect(d.assignments).toEqual(e.assignments);
          expect(d.unplaced).toEqual(e.unplaced);
          expect(d.objective).toBe(e.objective);
          d.explanation.forEach((x, i) => {
            if (x.summary.includes('placed 0/')) expect(x).toEqual(e.explanation[i]);
          });
        }
      }),
      RUNS,
    );
  });

  it('decisions committed through reservations never overcommit, in any commit order', () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), ({ input, requests, seed }, reverse) => {
        const s = createSnapshot(input);
        const ledger = new Reservations();
        const stale = requests.map((r) => place(s, r, { seed })); // decided concurrently on one snapshot
        const committed: Decision[] = [];
        for (const [i, d] of (reverse ? [...stale].reverse() : stale).entries()) {
          const r = reverse ? requests[requests.length - 1 - i] : requests[i];
          if (ledger.tryCommit(d, s).ok) committed.push(d);
          else {
            const again = place(s, r, { seed, reservations: ledger });
            expect(ledger.tryCommit(again, s).ok).toBe(true);
            committed.push(again);
          }
        }
        expect(verifyDecisions(s, requests, committed)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('batch placement is valid as a whole and deterministic', () => {
    fc.assert(
      fc.property(worldArb, ({ input, requests, seed }) => {
        const s = createSnapshot(input);
        const a = placeBatch(s, requests, { seed, perturbations: 5, lagrangeIterations: 10 });
        expect(verifyDecisions(s, requests, a.decisions)).toEqual([]);
        expect(a.objective).toBeLessThanOrEqual(a.greedyObjective + 1e-9);
        expect(placeBatch(s, requests, { seed, perturbations: 5, lagrangeIterations: 10 }).decisions).toEqual(
          a.decisions,
        );
      }),
      { ...RUNS, numRuns: 100 },
    );
  });
});
