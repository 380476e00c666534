// Scale benchmark: decisions per second and latency of the indexed engine vs the exhaustive baseline on 1k–50k sites.
import { createSnapshot, place, placeExhaustive, verifyDecisions } from '../../src/placement/index.js';
import type { Decision, PlacementRequest, Snapshot } from '../../src/placement/index.js';
import { generateRequests, generateTopology } from './generator.js';
import { quantile, sum } from './stats.js';

export interface ScaleRow {
  sites: number;
  decisions: number;
  replicas: number;
  buildMs: number;
  engine: { perSecond: number; p50: number; p99: number; totalMs: number };
  baseline: { perSecond: number; p50: number; p99: number; totalMs: number };
  /** baseline time / engine time over the same decisions. */
  ratio: number;
  /** Decisions where engine and baseline chose exactly the same sites. */
  agree: number;
  violations: number;
  unplaced: number;
}

function timeAll(
  snapshot: Snapshot,
  requests: readonly PlacementRequest[],
  fn: typeof place,
): { times: number[]; decisions: Decision[] } {
  const times: number[] = [];
  const decisions: Decision[] = [];
  for (const r of requests) {
    const t = performance.now();
    decisions.push(fn(snapshot, r, { seed: 11 }));
    times.push(performance.now() - t);
  }
  return { times, decisions };
}

const summary = (times: number[]) => ({
  perSecond: (times.length * 1000) / sum(times),
  p50: quantile(times, 0.5),
  p99: quantile(times, 0.99),
  totalMs: sum(times),
});

/**
 * One topology of `sites` sites, `count` requests from the realistic mix, each decided independently
 * against the same snapshot by both strategies (after a warm-up), interleaved in blocks so machine
 * noise hits both alike.
 */
export function runScale(sites: number, count: number, seed: number): ScaleRow {
  const t = performance.now();
  const snapshot = createSnapshot(generateTopology({ sites, seed }));
  const buildMs = performance.now() - t;
  const warm = generateRequests(20, seed + 1);
  timeAll(snapshot, warm, place);
  timeAll(snapshot, warm, placeExhaustive);
  const requests = generateRequests(count, seed + 2);
  const eTimes: number[] = [];
  const bTimes: number[] = [];
  const eDec: Decision[] = [];
  const bDec: Decision[] = [];
  const block = 10;
  for (let i = 0; i < requests.length; i += block) {
    const part = requests.slice(i, i + block);
    const e = timeAll(snapshot, part, place);
    const b = timeAll(snapshot, part, placeExhaustive);
    eTimes.push(...e.times);
    bTimes.push(...b.times);
    eDec.push(...e.decisions);
    bDec.push(...b.decisions);
  }
  let agree = 0;
  let violations = 0;
  requests.forEach((r, i) => {
    if (JSON.stringify(eDec[i].assignments) === JSON.stringify(bDec[i].assignments)) agree++;
    violations += verifyDecisions(snapshot, [r], [eDec[i]]).length;
  });
  const engine = summary(eTimes);
  const baseline = summary(bTimes);
  return {
    sites,
    decisions: count,
    replicas: sum(eDec.map((d) => d.assignments.length + d.unplaced.length)),
    buildMs,
    engine,
    baseline,
    ratio: baseline.totalMs / engine.totalMs,
    agree,
    violations,
    unplaced: sum(eDec.map((d) => d.unplaced.length)),
  };
}
