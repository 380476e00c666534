// Finds processes a test run left behind: those carrying the run's marker, or using its temp dir or this checkout.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Leftover {
  pid: number;
  cmdline: string;
  why: string;
}

const read = (path: string): string => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
};
const link = (path: string): string => {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
};

/**
 * Processes (other than `exclude`) that belong to the run: their environment holds `marker`, or their working
 * directory or command line is inside one of `dirs`. Zombies and vitest's own workers are not counted.
 */
export function findLeftovers(marker: string, dirs: string[], exclude: Set<number>): Leftover[] {
  const out: Leftover[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) continue;
    const cmdline = read(`/proc/${pid}/cmdline`).split('\0').join(' ').trim();
    if (!cmdline || /node_modules[/\\]vitest|vitest[/\\]dist/.test(cmdline)) continue;
    const cwd = link(`/proc/${pid}/cwd`);
    const inDir = dirs.find((d) => cwd === d || cwd.startsWith(`${d}/`) || cmdline.includes(d));
    const marked = read(`/proc/${pid}/environ`).split('\0').includes(marker);
    if (inDir || marked) out.push({ pid, cmdline: cmdline.slice(0, 300), why: marked ? 'marker' : `uses ${inDir}` });
  }
  return out;
}

/** The pid and its ancestors (never reported: the runner itself). */
export function selfAndAncestors(): Set<number> {
  const s = new Set<number>();
  for (let pid = process.pid; pid > 1 && !s.has(pid);) {
    s.add(pid);
    const stat = read(`/proc/${pid}/stat`);
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return s;
}
