// Linux process identity and signalling: /proc start times (pid-reuse guard), liveness, process-group kills.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

export interface ProcStat {
  /** One-letter state: R, S, D, Z (zombie), X (dead), T, ... */
  state: string;
  pgrp: number;
  /** Start time in clock ticks since boot (field 22): with the pid, a stable process identity. */
  startTime: string;
}

/** Reads /proc/<pid>/stat; undefined when the process does not exist (or /proc is unavailable). */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm (field 2) is parenthesised and may itself contain spaces or parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const startTime = rest[22 - 3];
  if (rest[0] === undefined || startTime === undefined) return undefined;
  return { state: rest[0], pgrp: Number(rest[5 - 3]), startTime };
}

/** The process exists, is not a zombie, and (when given) started at `startTime`, i.e. the pid was not reused. */
export function isAlive(pid: number, startTime?: string): boolean {
  const st = readProcStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

/** Sends a signal to a whole process group; false when no member exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs what is left of a process group whose leader has ended. Skipped when the leader's pid now
 * belongs to a different process (start time differs): that group is not ours.
 */
export function killStragglers(pgid: number, startTime: string | undefined): void {
  const st = readProcStat(pgid);
  if (st && startTime !== undefined && st.startTime !== startTime) return;
  killGroup(pgid, 'SIGKILL');
}

/** Shell-style exit code: the code itself, or 128 + signal number for a signal death. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | undefined {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return undefined;
}

/** Live members of a process group (scans /proc): stragglers a group kill must also reach. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const st = readProcStat(Number(e));
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') out.push(Number(e));
  }
  return out;
}
