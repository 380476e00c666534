// Temporary probe.
import { createSnapshot, place, placeExhaustive } from '../../src/placement/index.js';
import { generateRequests, generateTopology } from './generator.js';
const n = Number(process.argv[2] ?? 10000);
let t = performance.now();
const input = generateTopology({ sites: n, seed: 1 });
const gen = performance.now() - t; t = performance.now();
const snap = createSnapshot(input);
console.log(`gen ${gen.toFixed(0)}ms snapshot ${(performance.now() - t).toFixed(0)}ms nodes ${snap.index.nodeCount} roots ${snap.index.roots.length}`);
const reqs = generateRequests(Number(process.argv[3] ?? 60), 7);
const kinds = new Map<string, [number, number, number]>();
let te = 0, tb = 0, agree = 0;
for (const r of reqs) {
  let a = performance.now();
  const d1 = place(snap, r, { seed: 3 });
  const e = performance.now() - a; a = performance.now();
  const d2 = placeExhaustive(snap, r, { seed: 3 });
  const b = performance.now() - a;
  te += e; tb += b;
  if (JSON.stringify(d1.assignments) === JSON.stringify(d2.assignments)) agree++;
  const k = r.components[0].name;
  const v = kinds.get(k) ?? [0, 0, 0]; v[0] += e; v[1] += b; v[2]++; kinds.set(k, v);
}
console.log(`engine ${te.toFixed(0)}ms baseline ${tb.toFixed(0)}ms ratio ${(tb / te).toFixed(2)} agree ${agree}/${reqs.length}`);
for (const [k, v] of kinds) console.log(k, v[2], (v[0] / v[2]).toFixed(2), (v[1] / v[2]).toFixed(2), (v[1] / v[0]).toFixed(1));
