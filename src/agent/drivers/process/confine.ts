// Whether this host can confine process workloads, and the sandbox configuration a driver uses when it can.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSeccompProgram } from './seccomp.js';
import { findTool, prepareWorkDir, sandboxArgv, visiblePaths, type SandboxConfig } from './sandbox.js';
import { defaultUidRange, type UidRange } from './uids.js';

/** `required` (default): workloads run only confined. `off`: as the agent's own user — trusted tenants only. */
export type ConfinementMode = 'required' | 'off';

export interface ConfinementOptions {
  stateDir: string;
  confinement?: ConfinementMode;
  uidRange?: UidRange;
  /** Extra host paths workloads may read. */
  readOnlyPaths?: string[];
  /** Host paths workloads must never see (e.g. the control plane's data dir). */
  hiddenPaths?: string[];
  /** The agent's state dir (hidden too). */
  agentStateDir?: string;
}

export type ConfinementCheck =
  | { ok: true; sandbox: SandboxConfig; range: UidRange }
  | { ok: true; sandbox: undefined; range: undefined; message: string }
  | { ok: false; reason: string };

export const UNCONFINED_MESSAGE =
  'UNCONFINED (confinement: off): workloads run as the agent user with its privileges; for trusted tenants only';

/** Checks the static preconditions (root, bwrap, setpriv); `trySandbox` checks that a sandbox really starts. */
export function confinementConfig(o: ConfinementOptions): ConfinementCheck {
  if (o.confinement === 'off') return { ok: true, sandbox: undefined, range: undefined, message: UNCONFINED_MESSAGE };
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      reason:
        'workload confinement needs an agent running as root (per-workload uids, namespaces); ' +
        'process workloads are not offered (confinement: off runs them unconfined, for trusted tenants only)',
    };
  const bwrap = findTool('bwrap');
  const setpriv = findTool('setpriv');
  if (!bwrap || !setpriv)
    return {
      ok: false,
      reason: `workload confinement needs ${!bwrap ? 'bwrap (Debian package bubblewrap)' : 'setpriv (util-linux)'}; process workloads are not offered`,
    };
  const stateDir = resolve(o.stateDir);
  return {
    ok: true,
    sandbox: {
      bwrap,
      setpriv,
      readOnly: o.readOnlyPaths ?? [],
      hidden: [stateDir, ...(o.agentStateDir ? [o.agentStateDir] : []), ...(o.hiddenPaths ?? [])],
    },
    range: o.uidRange ?? defaultUidRange(stateDir),
  };
}

/** The sandbox with its seccomp program written into `dir` (no program off x86_64). */
export function withSeccomp(cfg: SandboxConfig, dir: string): SandboxConfig {
  const seccomp = writeSeccompProgram(dir);
  return seccomp ? { ...cfg, seccomp } : cfg;
}

/** Starts `true` in a sandbox as the range's first uid; resolves with why it failed, or undefined. */
export function trySandbox(cfg: SandboxConfig, range: UidRange, timeoutMs = 5000): Promise<string | undefined> {
  // Not in the state dir: detection runs before a legacy state dir is moved there (which needs it absent).
  const root = mkdtempSync(join(tmpdir(), 'continuum-sandbox-check-'));
  const paths = { root, work: join(root, 'work'), logs: join(root, 'logs') };
  const id = { uid: range.start, gid: range.start };
  let argv: { file: string; args: string[] };
  try {
    prepareWorkDir(paths, id);
    argv = sandboxArgv(
      withSeccomp(cfg, root),
      visiblePaths(cfg.readOnly),
      id,
      paths.work,
      { file: '/bin/sh', args: ['-c', 'exit 0'] },
      true,
    );
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
    return Promise.resolve(`cannot prepare a sandbox: ${(e as Error).message}`);
  }
  return new Promise((done) => {
    let stderr = '';
    const finish = (why: string | undefined): void => {
      rmSync(root, { recursive: true, force: true });
      done(why);
    };
    const child = spawn(argv.file, argv.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(`the sandbox did not start within ${timeoutMs} ms`);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      finish(`cannot run ${cfg.bwrap}: ${e.message}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      finish(code === 0 ? undefined : `the sandbox failed (exit ${String(code)}): ${stderr.trim().slice(0, 300)}`);
    });
  });
}
