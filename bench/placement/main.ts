// Placement benchmark entry: `npm run build && node dist/bench/placement/main.js` (about a minute on 2 cores).
import { cpus } from 'node:os';
import { runQuality } from './quality.js';
import type { QualityRow } from './quality.js';
import { runScale } from './scale.js';
import type { ScaleRow } from './scale.js';
import { ms, pct, table } from './stats.js';

const SCALE: readonly [sites: number, decisions: number][] = [
  [1_000, 300],
  [10_000, 200],
  [50_000, 100],
];
const QUALITY: readonly [replicas: number, sites: number, highsSeconds: number][] = [
  [100, 20, 8],
  [250, 30, 12],
  [500, 50, 15],
];

async function main(): Promise<void> {
  const started = performance.now();
  const quick = process.argv.includes('--quick');
  console.log(`placement benchmark — node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'})`);
  console.log('seeded synthetic European topology (bench/placement/generator.ts); realistic request mix; seed fixed\n');

  const scale: ScaleRow[] = [];
  for (const [sites, decisions] of SCALE) scale.push(runScale(sites, quick ? Math.ceil(decisions / 5) : decisions, 42));
  console.log('Scale: indexed engine vs exhaustive baseline (every site filtered and scored, as kube-scheduler does)');
  console.log(
    table(
      [
        'sites',
        'decisions',
        'replicas',
        'engine dec/s',
        'p50 ms',
        'p99 ms',
        'baseline dec/s',
        'p50 ms',
        'p99 ms',
        'speed-up',
        'same result',
        'violations',
      ],
      scale.map((r) => [
        String(r.sites),
        String(r.decisions),
        String(r.replicas),
        r.engine.perSecond.toFixed(0),
        ms(r.engine.p50),
        ms(r.engine.p99),
        r.baseline.perSecond.toFixed(0),
        ms(r.baseline.p50),
        ms(r.baseline.p99),
        `${r.ratio.toFixed(1)}x`,
        `${r.agree}/${r.decisions}`,
        String(r.violations),
      ]),
    ),
  );
  console.log(`(snapshot + index build: ${scale.map((r) => `${r.sites}: ${ms(r.buildMs)} ms`).join(', ')})\n`);

  const quality: QualityRow[] = [];
  for (const [replicas, sites, limit] of QUALITY) quality.push(await runQuality(replicas, sites, 5, quick ? 2 : limit));
  console.log(
    'Batch quality on capacity-tight instances (80 % of cpu asked for): objective = Σ(100 − score + tier penalty) + 1000 per unplaced replica',
  );
  console.log(
    table(
      [
        'replicas x sites',
        'HiGHS status',
        'HiGHS best',
        'HiGHS bound',
        's',
        'online',
        'batch greedy',
        'batch',
        'vs HiGHS best',
        'vs bound (≥ gap)',
        'batch ms',
        'unplaced',
        'violations',
      ],
      quality.map((q) => [
        q.name,
        q.optimum.status,
        q.optimum.objective.toFixed(1),
        q.optimum.bound.toFixed(1),
        q.optimum.seconds.toFixed(1),
        `${q.online.toFixed(1)} (${pct(q.online / q.optimum.objective - 1)})`,
        `${q.greedy.toFixed(1)} (${pct(q.greedy / q.optimum.objective - 1)})`,
        q.batch.toFixed(1),
        pct(q.batch / q.optimum.objective - 1),
        pct(q.batch / q.optimum.bound - 1),
        q.batchMs.toFixed(0),
        String(q.unplaced),
        `${q.violations} (online ${q.onlineViolations})`,
      ]),
    ),
  );
  console.log(
    '"vs bound" compares with the lower bound HiGHS proved, so the true gap to the optimum is at most that figure.',
  );
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
