// The small read interface other domains use (sustainability: energy from CPU time): CPU seconds per workload
// and hour over an interval.
import type { UsageStore } from './store.js';

export interface WorkloadCpu {
  namespace: string;
  workload: string;
  site: string;
  /** Start of the hour (epoch ms). */
  bucket: number;
  cpuSeconds: number;
}

/** CPU seconds per workload and hour for hours starting in [from, to), optionally of one namespace. */
export async function cpuSecondsPerWorkload(
  store: UsageStore,
  from: number,
  to: number,
  namespace?: string,
): Promise<WorkloadCpu[]> {
  const rows = await store.query({ granularity: 'hour', from, to, ...(namespace ? { namespace } : {}) });
  return rows.map((r) => ({
    namespace: r.namespace,
    workload: r.workload,
    site: r.site,
    bucket: r.bucket,
    cpuSeconds: r.cpuSeconds,
  }));
}
