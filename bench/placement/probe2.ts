// Temporary probe.
import { buildBatchModel, createSnapshot, placeBatch, verifyDecisions } from '../../src/placement/index.js';
import { solveOptimum } from './optimum.js';
import { tightInstance } from './tight.js';
const cfgs = [[100, 20], [250, 30], [500, 50]];
for (const [replicas, sites] of cfgs) {
  for (const seed of [1, 2]) {
    const inst = tightInstance({ sites, replicas, seed, tightness: Number(process.argv[2] ?? 0.92) });
    const snap = createSnapshot(inst.input);
    const m0 = buildBatchModel(snap, inst.requests, { seed: 1, candidates: Infinity, exhaustive: true });
    const opt = await solveOptimum(m0, Number(process.argv[4] ?? 20));
    let t = performance.now();
    const r = placeBatch(snap, inst.requests, { seed: 1, perturbations: Number(process.argv[3] ?? 30) });
    const ms = performance.now() - t;
    const v = verifyDecisions(snap, inst.requests, r.decisions);
    const unpl = r.decisions.reduce((s, d) => s + d.unplaced.length, 0);
    console.log(`${inst.name} s${seed}: opt ${opt.status} ${opt.objective.toFixed(1)} bound ${opt.bound.toFixed(1)} (${opt.seconds.toFixed(1)}s, ${opt.variables} vars) greedy ${r.greedyObjective.toFixed(1)} (+${((r.greedyObjective / opt.objective - 1) * 100).toFixed(2)}%) lb ${r.lowerBound.toFixed(1)} ls ${r.objective.toFixed(1)} (+${((r.objective / opt.objective - 1) * 100).toFixed(2)}%) ${ms.toFixed(0)}ms moves ${r.moves} unplaced ${unpl} viol ${v.length}`);
  }
}
