// Test cleanup: a process, its group and every descendant (a confined workload runs below its sandbox wrapper).
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` and all its descendants (a confined workload's pid is its sandbox wrapper; the program runs below). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** SIGKILLs `pid`, its process group and every descendant; what is already gone is skipped. */
export function killTree(pid: number): void {
  const tree = processTree(pid);
  for (const target of [-pid, ...tree]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* gone, or no such group */
    }
  }
}

/**
 * Live (non-zombie) workload process trees of `site` by workload id (`CONTINUUM_WORKLOAD`, "namespace/name"):
 * the topmost process of each tree whose environment names that site and workload (a confined workload's
 * sandbox, whose descendants carry the same environment). More than one pid for an id is a duplicate.
 */
export function workloadTrees(site: string): Map<string, number[]> {
  const found = new Map<number, { id: string; ppid: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
      if (!env.includes(`CONTINUUM_SITE=${site}`)) continue;
      const id = env.find((e) => e.startsWith('CONTINUUM_WORKLOAD='))?.slice('CONTINUUM_WORKLOAD='.length);
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (id === undefined || fields[0] === 'Z' || fields[0] === 'X') continue;
      found.set(Number(d), { id, ppid: Number(fields[1]) });
    } catch {
      /* gone or not ours */
    }
  }
  const out = new Map<string, number[]>();
  for (const [pid, { id, ppid }] of found) if (found.get(ppid)?.id !== id) out.set(id, [...(out.get(id) ?? []), pid]);
  return out;
}
