// The exact optimum of a batch model as a MIP solved by HiGHS (npm `highs`): the yardstick for batch placement.
import highsLoader from 'highs';
import { UNPLACED_PENALTY } from '../../src/placement/index.js';
import type { BatchModel } from '../../src/placement/index.js';

export interface Optimum {
  /** HiGHS model status, e.g. "Optimal" or "Time limit reached". */
  readonly status: string;
  /** Objective of the best solution HiGHS found (the optimum when status is Optimal, within mip_rel_gap). */
  readonly objective: number;
  /** HiGHS's proven lower bound on the optimum. */
  readonly bound: number;
  readonly seconds: number;
  readonly variables: number;
  readonly rows: number;
}

/** The part of the HiGHS persistent-model API used here (the package's CJS typings and ESM runtime disagree on `default`). */
interface HighsModel {
  options: { set(values: Record<string, string | number | boolean>): unknown };
  info: { get(name: string): number | bigint };
  run(): unknown;
  getModelStatus(): number;
  getObjectiveValue(): number;
}
interface HighsRuntime {
  withModel<R>(source: { format: 'lp'; data: string }, op: (m: HighsModel) => R): R;
  constants: { modelStatus: Record<string, number> };
}
let runtime: Promise<HighsRuntime> | undefined;

/** Loads HiGHS once per process. */
export const loadHighs = (): Promise<HighsRuntime> =>
  (runtime ??= (highsLoader as unknown as () => Promise<HighsRuntime>)());

/**
 * min Σ cost(i,s)·x(i,s) + UNPLACED_PENALTY·u(i)
 * s.t. Σ_s x(i,s) + u(i) = 1 for every replica i;
 *      Σ_i demand(i,d)·x(i,s) ≤ free(s,d) for every site s and dimension d;
 *      Σ_{i in component c} x(i,s) ≤ 1 per site (spread.sites) and per provider (spread.providers);
 * with x over each replica's candidates (build the model with `candidates: Infinity` and the
 * exhaustive scan, so every feasible site is one). Costs and free capacity are the model's own.
 */
export function batchLp(m: BatchModel): { lp: string; variables: number; rows: number } {
  const obj: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const capacity = new Map<string, string[]>();
  const spread = new Map<string, string[]>();
  const providerIds = new Map<string, number>();
  const providerId = (name: string): number =>
    providerIds.get(name) ?? providerIds.set(name, providerIds.size).get(name)!;
  for (const item of m.items) {
    const u = `u${item.id}`;
    obj.push(`+ ${UNPLACED_PENALTY} ${u}`);
    binaries.push(u);
    const assign: string[] = [`+ ${u}`];
    const sp = item.plan.component.requirements.spread;
    for (const c of item.candidates) {
      const x = `x${item.id}_${c.site.index}`;
      binaries.push(x);
      obj.push(`+ ${c.cost.toPrecision(15)} ${x}`);
      assign.push(`+ ${x}`);
      const r = item.component.resources;
      for (const d of ['cpu', 'memory', 'gpu', 'storage'] as const) {
        if (r[d] <= 0) continue;
        const key = `${c.site.index}_${d}`;
        (capacity.get(key) ?? capacity.set(key, []).get(key)!).push(`+ ${r[d]} ${x}`);
      }
      const owner = `${item.request}_${item.component.name.replace(/[^A-Za-z0-9]/g, '_')}`;
      if (sp?.sites) {
        const key = `s${owner}_${c.site.index}`;
        (spread.get(key) ?? spread.set(key, []).get(key)!).push(`+ ${x}`);
      }
      if (sp?.providers) {
        const key = `p${owner}_${providerId(c.site.provider)}`;
        (spread.get(key) ?? spread.set(key, []).get(key)!).push(`+ ${x}`);
      }
    }
    rows.push(`a${item.id}: ${assign.join('\n ')} = 1`);
  }
  for (const [key, terms] of capacity) {
    const [site, d] = key.split('_') as [string, 'cpu' | 'memory' | 'gpu' | 'storage'];
    const s = m.snapshot.sites[Number(site)];
    const e = m.extra.get(s.index);
    const free = s.allocatable[d] - s.allocated[d] - (e ? e[d] : 0);
    rows.push(`k${key}: ${terms.join('\n ')} <= ${free}`);
  }
  for (const [key, terms] of spread) if (terms.length > 1) rows.push(`${key}: ${terms.join('\n ')} <= 1`);
  const lp = [
    'Minimize',
    ` obj: ${obj.join('\n ')}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Binary',
    ...binaries.map((b) => ` ${b}`),
    'End',
    '',
  ].join('\n');
  return { lp, variables: binaries.length, rows: rows.length };
}

/** Solves the model's MIP; the model must be unassigned (its extra load = what is outside the batch). */
export async function solveOptimum(m: BatchModel, timeLimitSeconds: number): Promise<Optimum> {
  const highs = await loadHighs();
  const { lp, variables, rows } = batchLp(m);
  const t = performance.now();
  const names = new Map(Object.entries(highs.constants.modelStatus).map(([k, v]) => [v, k]));
  return highs.withModel({ format: 'lp', data: lp }, (model) => {
    model.options.set({ time_limit: timeLimitSeconds, mip_rel_gap: 1e-4, output_flag: false });
    model.run();
    const code = model.getModelStatus();
    return {
      status: names.get(code) ?? String(code),
      objective: model.getObjectiveValue(),
      bound: Number(model.info.get('mip_dual_bound')),
      seconds: (performance.now() - t) / 1000,
      variables,
      rows,
    };
  });
}
