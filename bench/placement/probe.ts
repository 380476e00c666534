// Temporary probe.
import { createSnapshot, place } from '../../src/placement/index.js';
import { generateRequests, generateTopology } from './generator.js';
const n = Number(process.argv[2] ?? 1000);
const snap = createSnapshot(generateTopology({ sites: n, seed: 42 }));
const warm = generateRequests(20, 43); for (const r of warm) place(snap, r, { seed: 11 });
const reqs = generateRequests(300, 44);
for (const r of reqs) place(snap, r, { seed: 11 });
const rows = reqs.map((r) => { const t = performance.now(); const d = place(snap, r, { seed: 11 }); return { ms: performance.now() - t, r, d }; });
rows.sort((a, b) => b.ms - a.ms);
for (const x of rows.slice(0, 8)) console.log(x.ms.toFixed(2), x.r.components.map((c) => `${c.name}:${c.groups.map((g) => `${g.area ?? '-'}x${g.replicas}`).join(',')}`).join(' '), 'unplaced', x.d.unplaced.length, x.d.explanation.map((e) => e.summary.slice(0, 150)).join(' | '));
