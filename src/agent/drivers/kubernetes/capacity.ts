// The cluster's allocatable capacity: the sum of what its ready, schedulable nodes can give to pods.
import { formatMiB, formatMilliCpu, mebibytes, milliCpu, type Resources } from '../../../model/index.js';
import type { KubeObject } from './render.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Sum of `status.allocatable` over nodes that are Ready and not cordoned (cpu, memory, nvidia.com/gpu). */
export function clusterAllocatable(nodes: readonly KubeObject[]): Resources {
  let cpu = 0;
  let mem = 0;
  let gpu = 0;
  for (const n of nodes as Json[]) {
    if (n.spec?.unschedulable) continue;
    const ready = (n.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
    if (!ready) continue;
    const a = n.status?.allocatable ?? {};
    cpu += milliCpu(a.cpu);
    mem += mebibytes(a.memory);
    gpu += Number(a['nvidia.com/gpu'] ?? 0) || 0;
  }
  return { cpu: formatMilliCpu(cpu), memory: formatMiB(mem), ...(gpu ? { gpu } : {}) };
}
