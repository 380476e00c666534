// One start of a workload process — our detached child, or adopted from a previous agent — and how its end is observed.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { exitCodeOf, groupMembers, isAlive, killGroup, killStragglers, readProcStat } from './proc.js';

export type RunEnded = (run: Run, exitCode: number | undefined, message: string) => void;

export interface SpawnSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr are appended to this file directly: no pipe ties the process to the agent. */
  logFile: string;
}

/**
 * A run's pid is also its process group id (it is spawned detached, as a group leader). `ended` flips
 * exactly once; at that moment the rest of the group is SIGKILLed, so nothing of the run outlives it.
 */
export class Run {
  ended = false;
  exitCode?: number;
  /** Set when a failing health check killed the run: it counts as a failure whatever its exit code. */
  unhealthy?: string;
  /**
   * The leader is a bwrap sandbox, which dies of SIGTERM at once without passing it on: signals other than
   * SIGKILL then go to the rest of the group (the workload inside), and bwrap exits with the workload's code.
   */
  sandboxed = false;
  readonly done: Promise<void>;
  private markDone!: () => void;
  private poll?: NodeJS.Timeout;
  private unlisten?: () => void;

  private constructor(
    readonly pid: number,
    readonly startTime: string | undefined,
    /** Not our child: its end is detected by polling /proc and its exit code is unknown. */
    readonly adopted: boolean,
    readonly startedMs: number,
    private readonly onEnd: RunEnded,
  ) {
    this.done = new Promise<void>((r) => (this.markDone = r));
  }

  /** Starts the process in its own process group; throws when it cannot be spawned. */
  static spawn(s: SpawnSpec, startedMs: number, onEnd: RunEnded): Run {
    const fd = openSync(s.logFile, 'a');
    let child;
    try {
      child = spawn(s.file, s.args, { cwd: s.cwd, env: s.env, detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    child.on('error', () => {});
    if (child.pid === undefined) throw new Error(`cannot spawn ${s.file}`);
    child.unref();
    const run = new Run(child.pid, readProcStat(child.pid)?.startTime, false, startedMs, onEnd);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      run.end(exitCodeOf(code, signal), signal ? `killed by ${signal}` : `exited with code ${String(code)}`);
    child.once('exit', onExit);
    run.unlisten = () => child.removeListener('exit', onExit);
    return run;
  }

  /** Supervises a process a previous agent started (already verified alive by pid and start time). */
  static adopt(pid: number, startTime: string | undefined, startedMs: number, pollMs: number, onEnd: RunEnded): Run {
    const run = new Run(pid, startTime, true, startedMs, onEnd);
    run.pollEvery(pollMs);
    return run;
  }

  /** (Re)starts exit polling of an adopted run at the given interval. */
  pollEvery(ms: number): void {
    if (!this.adopted || this.ended) return;
    if (this.poll) clearInterval(this.poll);
    this.poll = setInterval(() => {
      if (!isAlive(this.pid, this.startTime)) this.end(undefined, 'process exited (adopted: exit code unknown)');
    }, ms);
    this.poll.unref();
  }

  private end(exitCode: number | undefined, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.exitCode = exitCode;
    if (this.poll) clearInterval(this.poll);
    killStragglers(this.pid, this.startTime);
    this.onEnd(this, exitCode, message);
    this.markDone();
  }

  /** Signals the whole group, unless the run ended or (adopted) its pid now belongs to another process. */
  signal(sig: NodeJS.Signals): void {
    if (this.ended || (this.adopted && !isAlive(this.pid, this.startTime))) return;
    if (!this.sandboxed || sig === 'SIGKILL') {
      killGroup(this.pid, sig);
      return;
    }
    for (const p of groupMembers(this.pid))
      if (p !== this.pid)
        try {
          process.kill(p, sig);
        } catch {
          /* gone meanwhile */
        }
  }

  /** Resolves true once the run ended, false after `ms`. */
  waitDone(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      void this.done.then(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** Stops observing the process (it keeps running); its end will not be reported. */
  detach(): void {
    if (this.poll) clearInterval(this.poll);
    this.unlisten?.();
  }
}
