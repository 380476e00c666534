// Where the container driver keeps a workload's files, what podman lists, and the limits a workload reports.
import { join } from 'node:path';
import type { RunSpec, RunState } from '../driver.js';
import { sanitiseId } from '../process/state.js';

/**
 * Files of one workload under the driver's state dir (all 0700 dirs / 0600 files, no secrets): its work dir
 * (mounted at /work, owned by the workload's mapped root), its k8s-file log, and its restart counters.
 */
export function paths(stateDir: string, id: string): { work: string; log: string; progress: string } {
  const s = sanitiseId(id);
  return {
    work: join(stateDir, 'workloads', s),
    log: join(stateDir, 'workloads', `${s}.log`),
    progress: join(stateDir, 'progress', `${s}.json`),
  };
}

/** What `podman ps --format json` reports per container (the fields read here). */
export interface PsEntry {
  Id: string;
  Names: string[];
  State: string;
  Pid?: number;
  ExitCode?: number;
  Labels?: Record<string, string>;
}

/** CPU and memory limits are enforced by the container's cgroup whenever requested; never claimed otherwise. */
export function limitsOf(spec: Pick<RunSpec, 'resources'>): RunState['limits'] {
  const cpu = spec.resources.cpu !== undefined;
  const memory = spec.resources.memory !== undefined;
  const missing = [!cpu && 'cpu', !memory && 'memory'].filter(Boolean);
  return { cpu, memory, ...(missing.length ? { reason: `no ${missing.join(' or ')} limit requested` } : {}) };
}
