// What the agent reports in its Site's status: capacity, allocation, agent info, latencies, offline report.
import { cpus, totalmem } from 'node:os';
import {
  formatMiB,
  formatMilliCpu,
  mebibytes,
  milliCpu,
  type Resources,
  type SiteSpec,
  type SiteRuntimeStatus,
  type SiteStatus,
} from '../model/index.js';
import type { OfflineWindow } from '../runtime/connection.js';
import type { RunState } from './drivers/driver.js';

/** This host's CPU count and memory, as quantities. */
export function hostCapacity(): Resources {
  return { cpu: cpus().length || 1, memory: formatMiB(Math.floor(totalmem() / 1024 ** 2)) };
}

/**
 * Declared allocatable, else what the runtime measured (`measured`: a cluster's allocatable), else declared
 * capacity, with the host's own figures for whatever is still missing.
 */
export function allocatableOf(spec: Partial<SiteSpec> | undefined, measured?: Resources): Resources {
  const declared: Resources = { ...(spec?.capacity ?? {}), ...(measured ?? {}), ...(spec?.allocatable ?? {}) };
  const host = hostCapacity();
  return { ...declared, cpu: declared.cpu ?? host.cpu, memory: declared.memory ?? host.memory };
}

/** Sum of resource requests (cpu and memory always present, gpu and storage when requested). */
export function sumResources(list: Resources[]): Resources {
  let cpu = 0;
  let mem = 0;
  let gpu = 0;
  let storage = 0;
  for (const r of list) {
    cpu += milliCpu(r.cpu);
    mem += mebibytes(r.memory);
    gpu += r.gpu ?? 0;
    storage += mebibytes(r.storage);
  }
  return {
    cpu: formatMilliCpu(cpu),
    memory: formatMiB(mem),
    ...(gpu ? { gpu } : {}),
    ...(storage ? { storage: formatMiB(storage) } : {}),
  };
}

export interface HeartbeatReport {
  now: Date;
  agent: NonNullable<SiteStatus['agent']>;
  allocatable: Resources;
  allocated: Resources;
  workloads: number;
  /** Every runtime kind as detected at agent start (unchanged for the agent's lifetime, so written once). */
  runtimes?: SiteRuntimeStatus[];
  latencyMs: Record<string, number>;
  message?: string;
}

/**
 * The site status the agent reports: fields the agent owns are replaced, others (conditions, energy) kept.
 * Nothing here changes by itself over time, so a heartbeat writes the Site only when a fact changed; liveness
 * is the site Lease, and the site health controller owns the Ready condition.
 */
export function buildSiteStatus(prev: SiteStatus | undefined, r: HeartbeatReport): SiteStatus {
  const { latencyMs: _l, message: _m, lastHeartbeatTime: _h, ...kept } = prev ?? {};
  return {
    ...kept,
    allocatable: r.allocatable,
    allocated: r.allocated,
    agent: r.agent,
    workloads: r.workloads,
    ...(r.runtimes ? { runtimes: r.runtimes } : {}),
    ...(Object.keys(r.latencyMs).length ? { latencyMs: r.latencyMs } : {}),
    ...(r.message ? { message: r.message.slice(0, 4096) } : {}),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Remembers the workloads' state when the agent went offline and summarises the offline period when it is back. */
export class OfflineJournal {
  private baseline = new Map<string, { restarts: number; phase: string }>();

  wentOffline(states: RunState[]): void {
    this.baseline = new Map(states.map((s) => [s.id, { restarts: s.restarts, phase: s.phase }]));
  }

  /** One line for the site status message. */
  cameBack(w: OfflineWindow, states: RunState[], reason: string | undefined): string {
    const restarted: string[] = [];
    const failed: string[] = [];
    for (const s of states) {
      const b = this.baseline.get(s.id);
      if (!b) continue;
      if (s.restarts > b.restarts) restarted.push(`${s.id} ×${s.restarts - b.restarts}`);
      if (s.phase === 'Failed' && b.phase !== 'Failed') failed.push(s.id);
    }
    const span = `${w.since.toISOString()} to ${w.until.toISOString()} (${seconds(w.until.getTime() - w.since.getTime())})`;
    const head = w.startedOffline
      ? `agent started without the control plane; offline from ${span}`
      : `offline from ${span}`;
    const why = reason ? `: ${reason.slice(0, 200)}` : '';
    const what = restarted.length
      ? `restarted locally while offline: ${restarted.join(', ')}`
      : 'no workload restarts while offline';
    const fails = failed.length ? `; failed while offline: ${failed.join(', ')}` : '';
    return `${head}${why}; ${states.length} workload(s) stayed under local supervision; ${what}${fails}`;
  }
}
