// One control plane per data dir: a lock file naming the `up`/`server` process that owns the directory.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'continuum.pid';

interface LockInfo {
  pid: number;
  /** /proc start time of the owner, so a recycled pid is not mistaken for it (Linux). */
  startTime?: string;
  command: string;
  startedAt: string;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), or undefined off Linux / for a gone process. */
function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(info: LockInfo): boolean {
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStartTime(info.pid);
  return info.startTime === undefined || now === undefined || now === info.startTime;
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * Claims `dataDir` for this process, or throws a message saying who holds it (pid, command, API URL from the
 * dir's config.json) and what to do. A lock left by a process that is gone is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const mine: LockInfo = {
    pid: process.pid,
    startTime: procStartTime(process.pid),
    command,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine) + '\n', { flag: 'wx', mode: 0o600 });
      return () => {
        if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = readLock(path);
    if (other && other.pid !== process.pid && alive(other)) {
      let url = '';
      try {
        url = (JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as { server?: string }).server ?? '';
      } catch {
        /* no config yet: the other one is still starting */
      }
      throw new Error(
        `the data dir ${dataDir} is in use by another \`continuum ${other.command}\` (pid ${other.pid}` +
          `${url ? `, API ${url}` : ''}, since ${other.startedAt}).\n` +
          `  Use that one (continuum get sites --config ${join(dataDir, 'config.json')}), stop it (Ctrl-C in its ` +
          `terminal, or kill ${other.pid}), or start another continuum with --data-dir OTHER_DIR.`,
      );
    }
    rmSync(path, { force: true }); // stale: its owner is gone
  }
  throw new Error(`cannot lock the data dir ${dataDir}: another process keeps claiming it`);
}
