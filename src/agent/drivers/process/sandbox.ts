// Confinement of process workloads: a bubblewrap sandbox (mount, PID, IPC, UTS namespaces) entered as a leased uid.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import { StartRefusal } from './refusals.js';
import type { Identity } from './uids.js';

/** Where a confined workload sees its private, writable work dir (also its HOME and $(WORKDIR)). */
export const SANDBOX_WORKDIR = '/home/workload';

/** Host directories every confined workload sees read-only (those that exist). */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

export interface SandboxConfig {
  bwrap: string;
  setpriv: string;
  /** Further host paths shown read-only (artifact trees, the Node installation, admin additions). */
  readOnly: string[];
  /** Host paths masked by an empty tmpfs wherever a read-only path would show them (agent state, data dirs). */
  hidden: string[];
  /** A seccomp program file (see seccomp.ts) bwrap loads before the command runs; none off x86_64. */
  seccomp?: string;
}

/** Opens the seccomp program as fd 3 for `bwrap --seccomp 3`, then execs the rest: `sh -c S sh FILE bwrap ...`. */
const OPEN_SECCOMP = 'exec 3<"$1" || exit 125; shift; exec "$@"';

/** `child` equals `parent` or lies below it. */
export const within = (child: string, parent: string): boolean => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

const ancestors = (p: string): string[] => {
  const out: string[] = [];
  for (let d = dirname(p); d !== dirname(d); d = dirname(d)) out.unshift(d);
  return out;
};

/**
 * Read-only paths a workload sees: the system dirs, the Node installation when it is not below them, and
 * `extra` (e.g. the artifact base dir) plus the real target of its `node_modules` when that is a symlink out.
 */
export function visiblePaths(extra: Array<string | undefined>): string[] {
  const out = SYSTEM_DIRS.filter((d) => existsSync(d));
  const add = (p: string | undefined): void => {
    if (!p) return;
    const abs = resolve(p);
    if (!out.some((o) => within(abs, o))) out.push(abs);
  };
  add(dirname(dirname(process.execPath)));
  for (const p of extra) {
    add(p);
    if (!p) continue;
    const nm = join(p, 'node_modules');
    try {
      if (lstatSync(nm).isSymbolicLink()) add(realpathSync(nm));
    } catch {
      /* no node_modules */
    }
  }
  return out;
}

/** Throws Invalid when `file` (resolved on the host) would not exist inside the sandbox. */
export function assertVisible(file: string, visible: string[]): void {
  if (!visible.some((v) => within(file, v)))
    throw new StartRefusal(
      'CommandNotFound',
      `command ${file} lies outside what a confined workload sees (${visible.join(', ')}); ` +
        'put it in the artifact directory or a system directory',
    );
}

/**
 * The bwrap + setpriv command line running `file args` confined: system dirs and `visible` read-only,
 * `hostWorkDir` writable at SANDBOX_WORKDIR, private /tmp, /dev and /proc, own PID/IPC/UTS (and cgroup)
 * namespaces, the seccomp filter (no new user namespaces), then — as the last step before exec — uid/gid
 * switched to `id`, supplementary groups cleared, every capability dropped (bounding, inheritable, ambient)
 * and no_new_privs set. The network namespace is
 * shared: workloads listen on host ports the agent allocated. `dieWithParent` is for probes (killed on timeout).
 */
export function sandboxArgv(
  cfg: SandboxConfig,
  visible: string[],
  id: Identity,
  hostWorkDir: string,
  cmd: { file: string; args: string[] },
  dieWithParent = false,
): { file: string; args: string[] } {
  const ro = [...visible].sort((a, b) => a.length - b.length);
  for (const r of ro)
    if (within(SANDBOX_WORKDIR, r) || within(r, SANDBOX_WORKDIR))
      throw new ApiError('Invalid', `read-only path ${r} overlaps the sandbox work dir ${SANDBOX_WORKDIR}`);
  const a: string[] = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (dieWithParent) a.push('--die-with-parent');
  // Directories bwrap creates on its own are 0700 root: make the path to each mount point traversable.
  const dirs = new Set<string>();
  for (const t of [...ro, SANDBOX_WORKDIR])
    for (const d of ancestors(t)) if (!ro.some((r) => within(d, r))) dirs.add(d);
  for (const d of [...dirs].sort((x, y) => x.length - y.length)) a.push('--perms', '0755', '--dir', d);
  for (const r of ro) a.push('--ro-bind', r, r);
  for (const h of cfg.hidden.map((x) => resolve(x)))
    if (ro.some((r) => within(h, r) && h !== r) && existsSync(h)) a.push('--tmpfs', h);
  a.push(
    '--bind',
    hostWorkDir,
    SANDBOX_WORKDIR,
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--perms',
    '1777',
    '--tmpfs',
    '/tmp',
  );
  if (cfg.seccomp) a.push('--seccomp', '3');
  a.push('--chdir', SANDBOX_WORKDIR, '--', cfg.setpriv);
  a.push(`--reuid=${id.uid}`, `--regid=${id.gid}`, '--clear-groups');
  a.push('--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all', '--no-new-privs');
  a.push('--', cmd.file, ...cmd.args);
  if (cfg.seccomp) return { file: '/bin/sh', args: ['-c', OPEN_SECCOMP, 'sh', cfg.seccomp, cfg.bwrap, ...a] };
  return { file: cfg.bwrap, args: a };
}

/**
 * Prepares a workload's directories on the host: the root and logs stay root-only (0700); the work dir is
 * owned by the workload's uid (0700), so no other workload uid can enter it.
 */
export function prepareWorkDir(paths: { root: string; work: string; logs: string }, id: Identity): void {
  mkdirSync(paths.work, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  chmodSync(paths.root, 0o700);
  chmodSync(paths.logs, 0o700);
  chownSync(paths.work, id.uid, id.gid);
  chmodSync(paths.work, 0o700);
}

/** Absolute path of an executable among `dirs`, or undefined. */
export function findTool(
  name: string,
  dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'],
): string | undefined {
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  return undefined;
}
