// Temporary probe.
import { createSnapshot, placeBatch } from '../../src/placement/index.js';
import { tightInstance } from './tight.js';
const inst = tightInstance({ sites: 50, replicas: 500, seed: 5, tightness: 0.8 });
const snap = createSnapshot(inst.input);
for (const [li, pr] of [[0, 0], [60, 0], [0, 30], [30, 10], [60, 30]]) {
  const t = performance.now();
  const r = placeBatch(snap, inst.requests, { seed: 5, lagrangeIterations: li, perturbations: pr });
  console.log(li, pr, r.objective.toFixed(1), (performance.now() - t).toFixed(0), 'ms');
}
