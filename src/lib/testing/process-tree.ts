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
