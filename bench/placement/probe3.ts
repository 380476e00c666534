// Temporary probe.
import { writeFileSync } from 'node:fs';
import highsLoader from 'highs';
import { buildBatchModel, createSnapshot } from '../../src/placement/index.js';
import { batchLp } from './optimum.js';
import { tightInstance } from './tight.js';
const inst = tightInstance({ sites: 20, replicas: 100, seed: 1, tightness: 0.8 });
const snap = createSnapshot(inst.input);
const m0 = buildBatchModel(snap, inst.requests, { seed: 1, candidates: Infinity, exhaustive: true });
const { lp } = batchLp(m0);
writeFileSync('/tmp/p.lp', lp);
const h = await (highsLoader as any)({ print: (s: string) => process.stdout.write(s + '\n'), printErr: (s: string) => process.stdout.write(s + '\n') });
const r = h.solve(lp, { time_limit: 15, mip_rel_gap: 1e-4, output_flag: true, log_to_console: true });
console.log(r.Status, r.ObjectiveValue);
