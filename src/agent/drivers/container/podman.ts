// The podman CLI as the container driver uses it: a private "podman home" (storage, run dir, config), never the host's.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The files of one podman home: `root` (images and containers), `run` (runtime state), `tmp` (libpod's tmpdir:
 * events and exit files) and `containers.conf`. podman insists that one storage root is always used with the
 * same run and tmp dirs, so the four travel together; several drivers may share one home (their containers
 * are told apart by label).
 */
export interface PodmanHome {
  dir: string;
  root: string;
  run: string;
  tmp: string;
  conf: string;
}

/**
 * runc, not crun (crun fails on these hosts); ulimits within what root may set here; no default network (every
 * container says its own). The file is ours alone: CONTAINERS_CONF points at it, so the host's global podman
 * configuration and state are never read or written.
 */
const CONTAINERS_CONF = `# Written by the Continuum container driver; regenerated at every start.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

/** The run dir (run + tmp) of the podman home in `dir`. */
export const runDirOf = (dir: string, runParent = RUN_PARENT): string =>
  join(runParent, createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12));

/** Parent of the run dirs: podman refuses a run root longer than 50 characters, so they cannot live in the home. */
export const RUN_PARENT = '/run/continuum/podman';

/**
 * Creates (idempotently) the podman home in `dir`; its run and tmp dirs (runtime state, gone at reboot like
 * podman's own) are `/run/continuum/podman/<hash of dir>/{run,tmp}`.
 */
export function podmanHome(dir: string, opts: { create?: boolean; runParent?: string } = {}): PodmanHome {
  const d = resolve(dir);
  const runDir = runDirOf(d, opts.runParent);
  const home = {
    dir: d,
    root: join(d, 'root'),
    run: join(runDir, 'run'),
    tmp: join(runDir, 'tmp'),
    conf: join(d, 'containers.conf'),
  };
  if (opts.create === false) return home;
  for (const p of [home.root, home.run, home.tmp]) mkdirSync(p, { recursive: true, mode: 0o700 });
  // podman opens its storage to others (0711, for mapped container users); the container configs in it hold
  // the workloads' environment, so the home itself stays root-only.
  chmodSync(home.dir, 0o700);
  writeFileSync(home.conf, CONTAINERS_CONF, { mode: 0o600 });
  return home;
}

export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A podman failure, with the command's stderr (what an operator needs to see). */
export class PodmanError extends Error {
  constructor(
    readonly args: string[],
    readonly result: PodmanResult,
  ) {
    super(`podman ${args[0] ?? ''} failed (exit ${result.code}): ${result.stderr.trim().slice(0, 500)}`);
  }
}

export interface ExecOptions {
  /** Piped to podman's stdin. */
  input?: NodeJS.ReadableStream;
  /** Killed after this long (default 120 s). */
  timeoutMs?: number;
  /** Extra environment of the podman process (values of `--env NAME` flags); never overrides PATH or the config. */
  env?: Record<string, string>;
}

/** Runs podman commands against one home. */
export class Podman {
  readonly binary: string;
  constructor(
    readonly home: PodmanHome,
    binary = 'podman',
  ) {
    this.binary = binary;
  }

  /** Global flags that pin every command to this home. */
  private globals(): string[] {
    const h = this.home;
    return ['--root', h.root, '--runroot', h.run, '--tmpdir', h.tmp, '--cgroup-manager', 'cgroupfs'];
  }

  /**
   * podman's environment: PATH, our containers.conf (absent only before the home is created, e.g. for
   * `podman version` in detection) and `extra` (never overriding those).
   */
  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...extra,
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: this.home.dir,
      ...(existsSync(this.home.conf) ? { CONTAINERS_CONF: this.home.conf } : {}),
    };
  }

  /** Runs `podman <args>`; resolves with the exit code and output (never rejects for a non-zero exit). */
  exec(args: string[], opts: ExecOptions & { bare?: boolean } = {}): Promise<PodmanResult> {
    return new Promise((done) => {
      const child = execFile(
        this.binary,
        // bare: without the flags naming storage dirs, which podman creates even for `podman version`.
        opts.bare ? args : [...this.globals(), ...args],
        {
          env: this.env(opts.env),
          maxBuffer: 64 * 1024 * 1024,
          timeout: opts.timeoutMs ?? 120_000,
          killSignal: 'SIGKILL',
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          done({ code, stdout: String(stdout), stderr: String(stderr) || (err && code !== 0 ? err.message : '') });
        },
      );
      if (opts.input && child.stdin) opts.input.pipe(child.stdin);
      else child.stdin?.end();
    });
  }

  /** Runs `podman <args>` and returns stdout; throws PodmanError on a non-zero exit. */
  async ok(args: string[], opts: ExecOptions = {}): Promise<string> {
    const r = await this.exec(args, opts);
    if (r.code !== 0) throw new PodmanError(args, r);
    return r.stdout;
  }

  /**
   * Streams `podman events` (JSON, one per line) for containers carrying `label`, until the returned stop is
   * called. The stream is restarted when podman exits on its own (`onRestart` is told, so the caller can
   * re-read state it may have missed).
   */
  events(label: string, onEvent: (e: PodmanEvent) => void, onRestart: () => void): () => void {
    let stopped = false;
    let child: ChildProcess | undefined;
    const start = (): void => {
      child = spawn(this.binary, [...this.globals(), 'events', '--format', 'json', '--filter', `label=${label}`], {
        env: this.env(),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        try {
          onEvent(JSON.parse(line) as PodmanEvent);
        } catch {
          /* not an event line */
        }
      });
      child.once('exit', () => {
        if (stopped) return;
        const t = setTimeout(() => {
          if (stopped) return;
          start();
          onRestart();
        }, 500);
        t.unref();
      });
      child.once('error', () => {});
    };
    start();
    return () => {
      stopped = true;
      child?.kill('SIGKILL');
    };
  }
}

/** The fields of a podman event the driver reads. */
export interface PodmanEvent {
  ID: string;
  Name: string;
  Status: string;
  ContainerExitCode?: number;
  Attributes?: Record<string, string>;
}
