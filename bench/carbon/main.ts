// Carbon benchmark: `npm run build && npm run bench:carbon` — gCO2e of blind vs spatial vs spatial+temporal placement.
import { syntheticIntensities } from './day.js';
import { runStrategy, STRATEGIES, workloadMix, type Outcome } from './scenario.js';

export interface CarbonReport {
  rows: { strategy: string; grams: number; kWh: number; violations: number; missedDeadlines: number }[];
  notes: string[];
}

const START = Date.parse('2026-11-30T00:00:00Z');

/** Runs the whole comparison (seeded: the same figures on every machine). */
export function runCarbonBench(seed = 7, batch = 40): CarbonReport {
  const series = syntheticIntensities(seed, START, 48);
  const jobs = workloadMix(seed, START, batch);
  const rows: CarbonReport['rows'] = [];
  let notes: string[] = [];
  for (const s of STRATEGIES) {
    const out: Outcome[] = runStrategy(s, jobs, series);
    const v = out.flatMap((o) => o.violations);
    rows.push({
      strategy: s,
      grams: out.reduce((a, o) => a + o.grams, 0),
      kWh: out.reduce((a, o) => a + o.kWh, 0),
      violations: v.length,
      missedDeadlines: v.filter((x) => x.includes('deadline')).length,
    });
    if (s === 'spatial+temporal') notes = out.filter((o) => o.note).map((o) => `${o.job}: ${o.note}`);
  }
  return { rows, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const r = runCarbonBench();
  const blind = r.rows[0].grams;
  console.log('bench/carbon: 48 h of seeded synthetic hourly intensities around the bundled 2020 country means');
  console.log('mix: one 15 ms service per user area (24, 2 cores at 50 %, 24 h) + 40 deferrable batch jobs');
  console.log(
    '(4–16 cores at 100 %, 1–6 h, 2–18 h slack, a sovereignty set each); energy: SPECpower-like model × PUE\n',
  );
  console.log('| strategy | kWh | kg CO2e | vs blind | violated constraints | missed deadlines |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of r.rows)
    console.log(
      `| ${row.strategy} | ${row.kWh.toFixed(1)} | ${(row.grams / 1000).toFixed(2)} | ` +
        `${((row.grams / blind) * 100).toFixed(1)} % (−${((1 - row.grams / blind) * 100).toFixed(1)} %) | ` +
        `${row.violations} | ${row.missedDeadlines} |`,
    );
  console.log(`\nsome shifts:\n  ${r.notes.slice(0, 5).join('\n  ')}`);
  const st = r.rows[2];
  const cut = 1 - st.grams / blind;
  console.log(
    `\ngoal: spatial+temporal ≥ 35 % less than blind with 0 violations → ${
      cut >= 0.35 && st.violations === 0 ? 'met' : 'NOT met'
    } (${(cut * 100).toFixed(1)} %); ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
