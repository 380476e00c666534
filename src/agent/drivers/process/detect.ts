// What the process driver checks on a host before it is offered: /proc, spawning a detached child, and cgroup limits.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Detection } from '../registration.js';
import { detectCgroups, hostLimits } from './cgroups.js';
import { confinementConfig, trySandbox, type ConfinementOptions } from './confine.js';
import { readProcStat } from './proc.js';

/** The cgroup scope of a driver on `stateDir` (separates drivers sharing a host). */
export const cgroupScope = (stateDir: string): string =>
  createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 12);

/** Spawns `file args` detached, as workloads are, and resolves with why it failed (undefined: it ran and exited 0). */
function trySpawn(file: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((done) => {
    let child;
    try {
      child = spawn(file, args, { detached: true, stdio: 'ignore' });
    } catch (e) {
      done(`cannot spawn ${file}: ${(e as Error).message}`);
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(`${file} did not exit within ${timeoutMs} ms`);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      done(`cannot spawn ${file}: ${e.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done(code === 0 ? undefined : `${file} ${signal ? `was killed by ${signal}` : `exited with ${String(code)}`}`);
    });
  });
}

/**
 * Available when /proc shows process start times (the pid-reuse guard adoption relies on) and a detached
 * child can be spawned: `/bin/sh` when cgroups are usable (the wrapper that joins them), else Node itself.
 * Unavailable when workloads cannot be confined (not root, no bwrap/setpriv, sandbox fails) unless confinement
 * is off. The message says whether workloads are confined, which limits cgroups can enforce here and why not.
 */
export async function detectProcessRuntime(
  opts: ConfinementOptions & {
    cgroups?: boolean;
    spawnTimeoutMs?: number;
  },
): Promise<Detection> {
  if (!readProcStat(process.pid))
    return { available: false, reason: '/proc/<pid>/stat is not readable (Linux /proc needed)' };
  const confine = confinementConfig(opts);
  if (!confine.ok) return { available: false, reason: confine.reason };
  let confined: string;
  if (confine.sandbox) {
    const why = await trySandbox(confine.sandbox, confine.range, opts.spawnTimeoutMs ?? 5000);
    if (why) return { available: false, reason: `workload confinement does not work here: ${why}` };
    const r = confine.range;
    const userns = process.arch === 'x64' ? '' : `, nested user namespaces not blocked on ${process.arch}`;
    confined = `confined (bwrap sandbox, uids ${r.start}-${r.start + r.size - 1}${userns})`;
  } else confined = confine.message;
  const cgroups = detectCgroups(cgroupScope(opts.stateDir), opts.cgroups ?? true);
  const limits = hostLimits(cgroups);
  const viaShell = limits.cpu || limits.memory;
  const failed = await trySpawn(
    viaShell ? '/bin/sh' : process.execPath,
    viaShell ? ['-c', 'exit 0'] : ['--version'],
    opts.spawnTimeoutMs ?? 5000,
  );
  if (failed) return { available: false, reason: failed };
  const enforced = (['cpu', 'memory'] as const).filter((k) => limits[k]);
  const limitsMessage =
    enforced.length === 2
      ? `cpu and memory limits enforced (cgroup v${cgroups.version})`
      : enforced.length === 1
        ? `only ${enforced[0]} limits enforced (cgroup v${cgroups.version}); ${limits.reason ?? ''}`
        : `cpu and memory limits not enforced: ${limits.reason ?? 'no cgroups'}`;
  return { available: true, message: `${confined}; ${limitsMessage}` };
}
