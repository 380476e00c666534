// The carbon benchmark's scenario: latency-bound services and deferrable batch jobs on the bundled topology,
// placed carbon-blind, carbon-aware in space, and in space and time; every constraint checked, gCO2e summed.
import { EU_COUNTRIES, type ApplicationSpec, type DeploymentSpec, type Requirements } from '../../src/model/index.js';
import { buildRequest, buildSnapshot, place, type Snapshot } from '../../src/placement/index.js';
import { Prng } from '../../src/placement/prng.js';
import {
  DEFAULT_POWER_MODEL,
  greenestStart,
  staticCarbonSource,
  windowCarbonSource,
  workloadEnergy,
  type IntensitySeries,
} from '../../src/sustainability/index.js';
import { loadTopology } from '../../src/topology/index.js';

const H = 3_600_000;
export type Strategy = 'blind' | 'spatial' | 'spatial+temporal';
export const STRATEGIES: readonly Strategy[] = ['blind', 'spatial', 'spatial+temporal'];

/** A workload of the mix: a service (runs the whole first day near its users) or a deferrable batch job. */
export interface Job {
  name: string;
  kind: 'service' | 'batch';
  cores: number;
  /** CPU utilisation while it runs (0..1). */
  utilisation: number;
  release: number;
  durationH: number;
  /** Latest end (batch); services end at release + durationH. */
  deadline: number;
  requirements: Requirements;
  area?: string;
}

const SOVEREIGNTY: readonly Requirements['jurisdiction'][] = [
  { euOnly: true },
  { allowedCountries: ['DE', 'AT'] },
  { allowedCountries: ['ES', 'PT'] },
  { allowedCountries: ['IT'] },
  { allowedCountries: ['FR', 'BE', 'NL'] },
  { allowedCountries: ['DE', 'PL'] },
  { allowedCountries: ['FI', 'SE'] },
];

/** The mix: one 15 ms service per user area, and `batch` seeded jobs (1–6 h, 2–18 h slack, a sovereignty set). */
export function workloadMix(seed: number, start: number, batch: number): Job[] {
  const topo = loadTopology();
  const rng = new Prng(seed);
  const jobs: Job[] = topo.areas.map((a) => ({
    name: `svc-${a.metadata.name}`,
    kind: 'service',
    cores: 2,
    utilisation: 0.5,
    release: start,
    durationH: 24,
    deadline: start + 24 * H,
    requirements: { latency: [{ area: a.metadata.name, maxMs: 15 }] },
    area: a.metadata.name,
  }));
  for (let i = 0; i < batch; i++) {
    const release = start + rng.int(24) * H;
    const durationH = 1 + rng.int(6);
    jobs.push({
      name: `batch-${i}`,
      kind: 'batch',
      cores: 4 + 4 * rng.int(4),
      utilisation: 1,
      release,
      durationH,
      deadline: release + (durationH + 2 + rng.int(17)) * H,
      requirements: { jurisdiction: rng.pick(SOVEREIGNTY) },
    });
  }
  return jobs;
}

const WEIGHTS: Record<'blind' | 'aware', Requirements['weights']> = {
  blind: { latency: 40, price: 30, carbon: 0, balance: 15 },
  aware: { latency: 10, price: 5, carbon: 100, balance: 0 },
};

export interface Outcome {
  job: string;
  site?: string;
  start: number;
  grams: number;
  kWh: number;
  violations: string[];
  /** For shifted jobs: why this window (the arithmetic). */
  note?: string;
}

/** Places and accounts every job under one strategy; intensities are the actual series (a perfect forecast). */
export function runStrategy(strategy: Strategy, jobs: readonly Job[], series: Map<string, IntensitySeries>): Outcome[] {
  const topo = loadTopology();
  const base = staticCarbonSource();
  const READY = { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
  const snapshotFor = (from: number, to: number): Snapshot =>
    buildSnapshot({
      sites: topo.sites.map((s) => ({ ...s, status: READY })) as never,
      providers: topo.providers as never,
      areas: topo.areas as never,
      workloads: [],
      now: new Date(from).toISOString(),
      carbon: windowCarbonSource(base, series, from, to),
    });
  const actual = (country: string, from: number, to: number): number =>
    series.get(country)?.meanOver(from, to, base.fallback).mean ?? base.gridIntensity(country) ?? base.fallback;

  const decide = (job: Job, start: number): Outcome => {
    const end = start + job.durationH * H;
    const snap = snapshotFor(start, end);
    const weights = strategy === 'blind' ? WEIGHTS.blind : WEIGHTS.aware;
    const app: ApplicationSpec = {
      components: [{ name: 'main', resources: { cpu: String(job.cores), memory: '1Gi' } }],
      requirements: { ...job.requirements, weights },
    } as ApplicationSpec;
    const dep: DeploymentSpec = { application: job.name, ...(job.area ? { areas: [{ area: job.area }] } : {}) };
    const d = place(snap, buildRequest('bench', job.name, app, dep), { seed: 1 });
    const a = d.assignments[0];
    const site = a && snap.siteByName(a.site);
    if (!site) return { job: job.name, start, grams: 0, kWh: 0, violations: [`unplaced: ${d.unplaced.join(', ')}`] };
    const violations = check(job, snap, site.name, start, end);
    let kWh = 0;
    let grams = 0;
    for (let t = start; t < end; t += H) {
      const cpu = job.cores * job.utilisation * 3600;
      const e = workloadEnergy(
        { ...DEFAULT_POWER_MODEL, cores: 64, pue: site.pue },
        { cpuSeconds: cpu, seconds: 3600, reservedCores: job.cores },
      );
      kWh += e.kWh;
      grams += e.kWh * actual(site.country, t, t + H);
    }
    return { job: job.name, site: site.name, start, grams, kWh, violations };
  };

  return jobs.map((job) => {
    if (job.kind === 'service' || strategy !== 'spatial+temporal') return decide(job, job.release);
    const latest = job.deadline - job.durationH * H;
    const atRelease = decide(job, job.release);
    const best = greenestStart((s) => decide(job, s).grams, job.release, latest, 3600);
    const chosen = decide(job, best.start);
    const shift = (best.start - job.release) / H;
    return {
      ...chosen,
      note:
        shift === 0
          ? `runs at release on ${chosen.site}: no later window before the deadline is greener`
          : `deferred ${shift} h to ${new Date(best.start).toISOString().slice(11, 16)} on ${chosen.site}: ` +
            `${Math.round(chosen.grams)} g instead of ${Math.round(atRelease.grams)} g at release on ${atRelease.site}`,
    };
  });
}

/** Latency, sovereignty and deadline, checked independently of the engine (haversine model via the snapshot). */
function check(job: Job, snap: Snapshot, siteName: string, start: number, end: number): string[] {
  const out: string[] = [];
  const site = snap.siteByName(siteName)!;
  for (const l of job.requirements.latency ?? []) {
    const area = snap.areaByName(l.area)!;
    const ms = snap.latencyMs(area, site);
    if (ms > l.maxMs) out.push(`${job.name}: ${ms.toFixed(1)} ms from ${l.area} > ${l.maxMs}`);
  }
  const j = job.requirements.jurisdiction;
  if (j?.euOnly && !EU_COUNTRIES.has(site.country)) out.push(`${job.name}: ${site.country} outside the EU`);
  if (j?.allowedCountries && !j.allowedCountries.includes(site.country))
    out.push(`${job.name}: ${site.country} not in ${j.allowedCountries.join(',')}`);
  if (start < job.release) out.push(`${job.name}: started before release`);
  if (end > job.deadline) out.push(`${job.name}: missed its deadline`);
  return out;
}
