// Compute quota arithmetic: what a tenant's workloads request together, and whether more fits its ComputeQuota.
import { parseQuantity, type Resources } from '../../model/index.js';
import type { ComputeQuota } from '../kinds.js';

/** Requested amounts in canonical units: cores, bytes, GPUs. */
export interface Requested {
  cpu: number;
  memory: number;
  gpu: number;
}

export const ZERO: Requested = { cpu: 0, memory: 0, gpu: 0 };

/** A Resources object in canonical units (a missing field is 0). */
export const requestedOf = (r: Resources | undefined): Requested => ({
  cpu: parseQuantity(r?.cpu),
  memory: parseQuantity(r?.memory),
  gpu: r?.gpu ?? 0,
});

export const addRequested = (a: Requested, b: Requested, times = 1): Requested => ({
  cpu: a.cpu + b.cpu * times,
  memory: a.memory + b.memory * times,
  gpu: a.gpu + b.gpu * times,
});

const fmt = (field: keyof Requested, v: number): string =>
  field === 'memory' ? `${Math.round((v / 1024 ** 2) * 100) / 100}Mi` : `${Math.round(v * 1000) / 1000}`;

/**
 * Why `adding` on top of `used` does not fit the tenant's quotas (undefined when it fits). The reason names
 * the quota object and the resource. `spend` is the tenant's rated spend this month.
 */
export function quotaExceeded(
  quotas: readonly ComputeQuota[],
  used: Requested,
  adding: Requested,
  spend?: number,
): string | undefined {
  for (const q of quotas) {
    const name = `ComputeQuota ${q.metadata.namespace}/${q.metadata.name}`;
    if (q.spec.monthlySpend !== undefined && spend !== undefined && spend >= q.spec.monthlySpend)
      return `exceed ${name} monthlySpend (${spend} of ${q.spec.monthlySpend} ${q.spec.currency ?? ''} spent)`.replace(
        ' )',
        ')',
      );
    const limits: Requested = {
      cpu: q.spec.cpu === undefined ? Infinity : parseQuantity(q.spec.cpu),
      memory: q.spec.memory === undefined ? Infinity : parseQuantity(q.spec.memory),
      gpu: q.spec.gpu ?? Infinity,
    };
    for (const f of ['cpu', 'memory', 'gpu'] as const) {
      // A tolerance of one millicore / byte: sums of parsed quantities carry float noise.
      if (adding[f] > 0 && used[f] + adding[f] > limits[f] + (f === 'cpu' ? 1e-6 : 0.5))
        return `exceed ${name} ${f} (${fmt(f, used[f])} of ${fmt(f, limits[f])} used, ${fmt(f, adding[f])} more asked)`;
    }
  }
  return undefined;
}
