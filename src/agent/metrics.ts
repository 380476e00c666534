// The agent's own Prometheus endpoint: per-workload CPU, memory, restarts and readiness, read from /proc at scrape.
import { readdirSync, readFileSync } from 'node:fs';
import { Gauge, Registry, serveMetrics } from '../lib/metrics/index.js';
import type { RunState } from './drivers/driver.js';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every Linux ABI Node runs on). */
const USER_HZ = 100;

/** Parent pid of every live process, from one pass over /proc. */
export function parentsOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  return children;
}

/** CPU seconds (user + system) and resident bytes of one process; undefined when gone. */
function ownUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses): state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(f[11]) + Number(f[12])) / USER_HZ;
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds and resident bytes of `pid` and every descendant (a confined workload's pid is its sandbox's
 * wrapper; the program runs below it); undefined off Linux or when gone.
 */
export function procUsage(
  pid: number,
  children: Map<number, number[]> = parentsOf(),
): { cpuSeconds: number; rssBytes: number } | undefined {
  const root = ownUsage(pid);
  if (!root) return undefined;
  const total = { ...root };
  const todo = [...(children.get(pid) ?? [])];
  for (let i = 0; i < todo.length && i < 10_000; i++) {
    const u = ownUsage(todo[i]);
    if (u) {
      total.cpuSeconds += u.cpuSeconds;
      total.rssBytes += u.rssBytes;
    }
    todo.push(...(children.get(todo[i]) ?? []));
  }
  return total;
}

/** The exposition text of the workloads `list()` returns on `site`. */
export async function agentMetricsText(site: string, list: () => RunState[]): Promise<string> {
  const r = new Registry();
  const labelNames = ['site', 'workload'] as const;
  const g = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: [r] });
  const restarts = g('continuum_agent_workload_restarts', 'Restarts of the workload since the agent started it');
  const ready = g('continuum_agent_workload_ready', '1 when the workload passes its readiness check');
  const cpu = g('continuum_agent_workload_cpu_seconds_total', 'CPU seconds (user+system) of the workload processes');
  const mem = g('continuum_agent_workload_memory_bytes', 'Resident memory of the workload processes');
  const children = parentsOf();
  for (const s of list()) {
    const labels = { site, workload: s.id };
    restarts.set(labels, s.restarts);
    ready.set(labels, s.ready ? 1 : 0);
    const u = s.pid ? procUsage(s.pid, children) : undefined;
    if (u) {
      cpu.set(labels, u.cpuSeconds);
      mem.set(labels, u.rssBytes);
    }
  }
  return r.metrics();
}

/**
 * Serves GET /metrics without authentication on `address` ("host:port"; loopback or a private scrape network).
 * Resolves with the URL and a close function.
 */
export async function startAgentMetrics(
  address: string,
  site: string,
  list: () => RunState[],
): Promise<{ url: string; close: () => Promise<void> }> {
  return serveMetrics(address, () => agentMetricsText(site, list));
}
