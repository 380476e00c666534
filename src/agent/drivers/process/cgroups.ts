// CPU and memory limits through cgroups (v1 memory+cpu controllers, or v2), reported truthfully and degraded gracefully.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuantity } from '../../../model/quantity.js';
import type { Resources } from '../../../model/index.js';

export type Limits = { cpu: boolean; memory: boolean; reason?: string };

/** Where this host lets the driver create workload cgroups; `reason` explains a missing controller. */
export interface CgroupHost {
  version: 1 | 2 | 0;
  /** Parent directory per controller ("memory", "cpu"); v2 uses the same directory for both. */
  parents: { memory?: string; cpu?: string };
  reasons: { memory?: string; cpu?: string };
}

export interface CgroupPlacement {
  /** Workload cgroup directories (to verify membership and remove later). */
  dirs: string[];
  /** cgroup.procs files the process writes its pid to before exec. */
  procsFiles: string[];
  limits: Limits;
}

const errText = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

interface Mount {
  root: string;
  point: string;
  fstype: string;
  superOpts: string[];
}

function mounts(): Mount[] {
  const out: Mount[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (f[3] && f[4] && fstype) out.push({ root: f[3], point: f[4], fstype, superOpts: (superOpts ?? '').split(',') });
  }
  return out;
}

/** This process's own cgroup path per v1 controller name, and under "" for v2. */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[1].split(',')) own.set(c, m[2]);
  }
  return own;
}

const within = (mount: Mount, path: string): string =>
  join(mount.point, mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path);

/** Makes `<dir>` and checks the files a controller needs are writable there. */
function probeParent(dir: string, files: string[]): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return `cannot create ${dir} (${errText(e)})`;
  }
  for (const f of files) if (!existsSync(join(dir, f))) return `${join(dir, f)} missing`;
  return undefined;
}

/** Detects cgroup support. `scope` separates drivers sharing a host (e.g. a hash of the state dir). */
export function detectCgroups(scope: string, enabled = true): CgroupHost {
  const host: CgroupHost = { version: 0, parents: {}, reasons: {} };
  if (!enabled) {
    host.reasons = { memory: 'cgroups disabled by configuration', cpu: 'cgroups disabled by configuration' };
    return host;
  }
  try {
    const own = ownCgroups();
    const ms = mounts();
    if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return detectV2(host, own, ms, scope);
    host.version = 1;
    for (const [ctl, file] of [
      ['memory', 'memory.limit_in_bytes'],
      ['cpu', 'cpu.cfs_quota_us'],
    ] as const) {
      const m = ms.find((x) => x.fstype === 'cgroup' && x.superOpts.includes(ctl));
      const path = own.get(ctl);
      if (!m || path === undefined) {
        host.reasons[ctl] = `cgroup v1 ${ctl} controller not mounted`;
        continue;
      }
      const dir = join(within(m, path), 'continuum', scope);
      const why = probeParent(dir, [file, 'cgroup.procs']);
      if (why) host.reasons[ctl] = `cgroup v1 ${ctl}: ${why}`;
      else host.parents[ctl] = dir;
    }
  } catch (e) {
    host.reasons = { memory: `cgroups unavailable (${errText(e)})`, cpu: `cgroups unavailable (${errText(e)})` };
  }
  return host;
}

function detectV2(host: CgroupHost, own: Map<string, string>, ms: Mount[], scope: string): CgroupHost {
  host.version = 2;
  const m = ms.find((x) => x.fstype === 'cgroup2' && x.point === '/sys/fs/cgroup');
  const path = own.get('');
  const fail = (why: string) => {
    host.reasons = { memory: `cgroup v2: ${why}`, cpu: `cgroup v2: ${why}` };
    return host;
  };
  if (!m || path === undefined) return fail('own cgroup not found');
  // Controllers must be enabled on every level down to the workload's parent; the agent's own cgroup holds
  // processes, so enabling them there only works when the agent runs in a delegated (process-free) subtree.
  const ownDir = within(m, path);
  const base = join(ownDir, 'continuum');
  const dir = join(base, scope);
  try {
    mkdirSync(dir, { recursive: true });
    for (const d of [ownDir, base, dir]) {
      const available = readFileSync(join(d, 'cgroup.controllers'), 'utf8').split(/\s+/);
      const wanted = ['memory', 'cpu'].filter((c) => available.includes(c));
      if (wanted.length) writeFileSync(join(d, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    }
  } catch (e) {
    return fail(`cannot enable controllers below ${ownDir} (${errText(e)})`);
  }
  const enabled = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
  for (const ctl of ['memory', 'cpu'] as const) {
    if (enabled.includes(ctl)) host.parents[ctl] = dir;
    else host.reasons[ctl] = `cgroup v2: ${ctl} controller not delegated to ${ownDir}`;
  }
  return host;
}

/** The limits this host could enforce at all (no workload yet). */
export function hostLimits(host: CgroupHost): Limits {
  const reason = [
    host.reasons.cpu && `cpu: ${host.reasons.cpu}`,
    host.reasons.memory && `memory: ${host.reasons.memory}`,
  ]
    .filter(Boolean)
    .join('; ');
  return { cpu: !!host.parents.cpu, memory: !!host.parents.memory, ...(reason ? { reason } : {}) };
}

/** Writes memory limit (and memsw, so swap cannot dodge it) in an order the kernel accepts (memsw ≥ memory). */
function writeV1Memory(dir: string, bytes: number): void {
  const memsw = join(dir, 'memory.memsw.limit_in_bytes');
  const hasMemsw = existsSync(memsw);
  const currentMemsw = hasMemsw ? Number(readFileSync(memsw, 'utf8').trim()) : Infinity;
  if (hasMemsw && bytes > currentMemsw) writeFileSync(memsw, String(bytes));
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(bytes));
  if (hasMemsw) writeFileSync(memsw, String(bytes));
}

/**
 * Creates (or reuses) the workload's cgroups under each usable controller and writes its limits. A limit
 * is reported enforced only when its files were written; any failure degrades that controller with a reason.
 */
export function placeWorkload(host: CgroupHost, key: string, resources: Resources): CgroupPlacement {
  const out: CgroupPlacement = { dirs: [], procsFiles: [], limits: { cpu: false, memory: false } };
  const reasons: string[] = [];
  const memBytes = resources.memory !== undefined ? Math.ceil(parseQuantity(resources.memory)) : 0;
  const cpuCores = resources.cpu !== undefined ? parseQuantity(resources.cpu) : 0;
  const period = 100_000;
  const quota = Math.max(1000, Math.round(cpuCores * period));
  const wants = { memory: memBytes > 0, cpu: cpuCores > 0 };
  for (const ctl of ['cpu', 'memory'] as const) {
    if (!wants[ctl]) {
      reasons.push(`${ctl}: no limit requested`);
      continue;
    }
    const parent = host.parents[ctl];
    if (!parent) {
      reasons.push(`${ctl}: ${host.reasons[ctl] ?? 'unavailable'}`);
      continue;
    }
    const dir = join(parent, key);
    try {
      mkdirSync(dir, { recursive: true });
      if (host.version === 1 && ctl === 'memory') writeV1Memory(dir, memBytes);
      if (host.version === 1 && ctl === 'cpu') {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(period));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
      }
      if (host.version === 2 && ctl === 'memory') {
        writeFileSync(join(dir, 'memory.max'), String(memBytes));
        if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
      }
      if (host.version === 2 && ctl === 'cpu') writeFileSync(join(dir, 'cpu.max'), `${quota} ${period}`);
      out.limits[ctl] = true;
      if (!out.dirs.includes(dir)) {
        out.dirs.push(dir);
        out.procsFiles.push(join(dir, 'cgroup.procs'));
      }
    } catch (e) {
      reasons.push(`${ctl}: cannot set limit in ${dir} (${errText(e)})`);
    }
  }
  if (reasons.length) out.limits.reason = reasons.join('; ');
  return out;
}

/** True when `pid` is a member of every given cgroup directory (read back from cgroup.procs). */
export function isMember(pid: number, dirs: string[]): boolean {
  return dirs.every((d) => {
    try {
      return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').includes(String(pid));
    } catch {
      return false;
    }
  });
}

/** Removes workload cgroups (best effort: a cgroup with live members stays). */
export function releaseCgroups(dirs: string[]): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      /* still populated or already gone */
    }
  }
}
