// On-disk layout and persisted per-workload state, so a restarted agent can re-adopt its running processes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import type { RunPhase, RunSpec } from '../driver.js';
import type { Limits } from './cgroups.js';
import { isAlive, readProcStat } from './proc.js';

/**
 * A file-system-safe, injective name for a workload id: [A-Za-z0-9-] kept, any other character c written as
 * `_<hex code of c>_`. Ids too long for a file name are shortened and made unique with a hash.
 */
export function sanitiseId(id: string): string {
  const s = id.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
  if (s.length <= 180) return s;
  return `${s.slice(0, 150)}_${createHash('sha256').update(id).digest('hex').slice(0, 24)}`;
}

/** Directories of one workload: `<stateDir>/workloads/<sanitised id>/{work,logs,state.json}`. */
export interface WorkloadPaths {
  root: string;
  work: string;
  logs: string;
  state: string;
}

export const WORKLOADS_DIR = 'workloads';

export function workloadPaths(stateDir: string, id: string): WorkloadPaths {
  const root = join(stateDir, WORKLOADS_DIR, sanitiseId(id));
  return { root, work: join(root, 'work'), logs: join(root, 'logs'), state: join(root, 'state.json') };
}

/**
 * What survives the agent. state.json present ⇔ the driver is responsible for the workload; a directory
 * without it (after close without detach) keeps its work dir and logs but is not adopted.
 */
export interface PersistedWorkload {
  version: 1;
  spec: RunSpec;
  ports: Record<string, number>;
  restarts: number;
  phase: RunPhase;
  ready: boolean;
  /** Leader (and process group id) of the current run. */
  pid?: number;
  /** /proc start time of pid: guards against a reused pid. */
  startTime?: string;
  /** pid is a bwrap sandbox: the workload is its child (signals go past the leader, see Run.signal). */
  sandboxed?: boolean;
  startedAt?: string;
  exitCode?: number;
  message?: string;
  limits: Limits;
  cgroupDirs: string[];
  /** Consecutive quick failures (back-off exponent). */
  crashLoop: number;
  /** spec.env holds names only: values (resolved secrets among them) are never written to disk. */
  envRedacted?: boolean;
}

/** The state as written: env values dropped, so a state file never holds a resolved secret. */
export function redacted(state: PersistedWorkload): PersistedWorkload {
  return { ...state, spec: { ...state.spec, env: state.spec.env.map((e) => ({ name: e.name })) }, envRedacted: true };
}

/**
 * Atomically replaces state.json (write + rename, mode 0600, in a 0700 dir), creating the directories as needed.
 * Env values are dropped (see redacted).
 */
export function writeState(paths: WorkloadPaths, state: PersistedWorkload): void {
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  const tmp = `${paths.state}.tmp`;
  writeFileSync(tmp, JSON.stringify(redacted(state)), { mode: 0o600 });
  renameSync(tmp, paths.state);
}

/** Forgets a workload without deleting its work dir and logs. */
export function dropState(paths: WorkloadPaths): void {
  rmSync(paths.state, { force: true });
}

function isPersisted(x: unknown): x is PersistedWorkload {
  const o = x as Partial<PersistedWorkload> | null;
  return (
    !!o &&
    o.version === 1 &&
    typeof o.spec?.id === 'string' &&
    typeof o.phase === 'string' &&
    typeof o.ports === 'object'
  );
}

/** Every readable state.json under stateDir; unreadable ones are reported through `warn` and skipped. */
export function readAllStates(stateDir: string, warn: (msg: string) => void): PersistedWorkload[] {
  const base = join(stateDir, WORKLOADS_DIR);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const out: PersistedWorkload[] = [];
  for (const n of names) {
    let text: string;
    try {
      text = readFileSync(join(base, n, 'state.json'), 'utf8');
    } catch {
      continue;
    }
    try {
      const s: unknown = JSON.parse(text);
      if (isPersisted(s) && sanitiseId(s.spec.id) === n) out.push(s);
      else warn(`ignoring malformed ${join(base, n, 'state.json')}`);
    } catch (e) {
      warn(`ignoring unreadable ${join(base, n, 'state.json')}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The live process (other than this one) holding the lock of `stateDir`, if any. */
function lockHolder(stateDir: string): number | undefined {
  let holder: { pid?: number; startTime?: string } = {};
  try {
    holder = JSON.parse(readFileSync(join(stateDir, 'driver.lock'), 'utf8')) as typeof holder;
  } catch {
    return undefined;
  }
  return holder.pid !== undefined && holder.pid !== process.pid && isAlive(holder.pid, holder.startTime)
    ? holder.pid
    : undefined;
}

/**
 * Moves a state dir an older agent kept at `<agentStateDir>/<legacyName>` to `stateDir` (which must not
 * exist), so its running workloads are re-adopted: they keep their cwd and log files (same inodes).
 * Throws Conflict while a live driver still holds the old dir. No-op when there is nothing to move.
 */
export function moveLegacyStateDir(agentStateDir: string, legacyName: string, stateDir: string): void {
  const legacy = join(agentStateDir, legacyName);
  if (!existsSync(join(legacy, WORKLOADS_DIR)) || existsSync(stateDir)) return;
  const pid = lockHolder(legacy);
  if (pid !== undefined) throw new ApiError('Conflict', `process ${pid} already runs a driver on ${legacy}`);
  mkdirSync(dirname(stateDir), { recursive: true, mode: 0o700 });
  renameSync(legacy, stateDir);
}

/** State dirs with an open driver in this process. */
const heldHere = new Set<string>();

/**
 * Makes this driver the only one supervising `stateDir` (two would both restart the same workloads). A lock
 * left by a dead process (pid gone or reused) is taken over. Returns the release function.
 */
export function lockStateDir(stateDir: string): () => void {
  const file = join(stateDir, 'driver.lock');
  if (heldHere.has(stateDir)) throw new ApiError('Conflict', `a driver on ${stateDir} is already open in this process`);
  mkdirSync(stateDir, { recursive: true });
  // No lock, an unreadable one, or one of a dead process: free.
  const pid = lockHolder(stateDir);
  if (pid !== undefined) throw new ApiError('Conflict', `process ${pid} already runs a driver on ${stateDir}`);
  writeFileSync(file, JSON.stringify({ pid: process.pid, startTime: readProcStat(process.pid)?.startTime }));
  heldHere.add(stateDir);
  return () => {
    heldHere.delete(stateDir);
    rmSync(file, { force: true });
  };
}
