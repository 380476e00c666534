// Batch quality benchmark: greedy, online, and batch placement against the HiGHS optimum on small capacity-tight instances.
import {
  buildBatchModel,
  createSnapshot,
  place,
  placeBatch,
  Reservations,
  verifyDecisions,
} from '../../src/placement/index.js';
import type { BatchModel, Decision } from '../../src/placement/index.js';
import { solveOptimum } from './optimum.js';
import type { Optimum } from './optimum.js';
import { tightInstance } from './tight.js';

export interface QualityRow {
  name: string;
  replicas: number;
  sites: number;
  optimum: Optimum;
  /** Objectives (Σ replica cost + unplaced penalties) under the same static costs. */
  online: number;
  greedy: number;
  batch: number;
  batchMs: number;
  lagrangeBound: number;
  unplaced: number;
  violations: number;
  onlineViolations: number;
}

/** Objective of decisions under the model's static costs (the MIP's objective). */
export function staticObjective(m: BatchModel, decisions: readonly Decision[]): number {
  const byKey = new Map(m.items.map((it) => [`${it.request}/${it.component.name}/${it.replica}`, it]));
  let total = 0;
  decisions.forEach((d, ri) => {
    for (const a of d.assignments) {
      const it = byKey.get(`${ri}/${a.component}/${a.replica}`)!;
      total += it.at.get(m.snapshot.siteByName(a.site)!.index)!.cost;
    }
    total += d.unplaced.length * 1000;
  });
  return total;
}

export async function runQuality(
  replicas: number,
  sites: number,
  seed: number,
  timeLimit: number,
): Promise<QualityRow> {
  const inst = tightInstance({ sites, replicas, seed, tightness: 0.8 });
  const snapshot = createSnapshot(inst.input);
  const model = buildBatchModel(snapshot, inst.requests, { seed, candidates: Infinity, exhaustive: true });
  const optimum = await solveOptimum(model, timeLimit);
  const ledger = new Reservations();
  const online = inst.requests.map((r) => {
    const d = place(snapshot, r, { seed, reservations: ledger });
    ledger.tryCommit(d, snapshot);
    return d;
  });
  const t = performance.now();
  const batch = placeBatch(snapshot, inst.requests, { seed });
  const batchMs = performance.now() - t;
  return {
    name: inst.name,
    replicas,
    sites,
    optimum,
    online: staticObjective(model, online),
    greedy: batch.greedyObjective,
    batch: batch.objective,
    batchMs,
    lagrangeBound: batch.lowerBound,
    unplaced: batch.decisions.reduce((s, d) => s + d.unplaced.length, 0),
    violations: verifyDecisions(snapshot, inst.requests, batch.decisions).length,
    onlineViolations: verifyDecisions(snapshot, inst.requests, online).length,
  };
}
