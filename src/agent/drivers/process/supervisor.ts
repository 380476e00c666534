// Supervision of one workload: spawns or adopts its process, watches exit and health, restarts with back-off.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { RunPhase, RunSpec, RunState } from '../driver.js';
import { isMember, placeWorkload, releaseCgroups, type CgroupHost, type Limits } from './cgroups.js';
import { HealthMonitor, type ProbeContext } from './health.js';
import { planLaunch, withCgroupJoin, workloadEnv } from './launch.js';
import { CURRENT_LOG } from './logs.js';
import { backoffAfterExit, restartDelay, shouldRestart, type BackoffConfig } from './policy.js';
import { exitCodeOf, isAlive, killGroup, killStragglers, readProcStat } from './proc.js';
import { sanitiseId, writeState, type PersistedWorkload, type WorkloadPaths } from './state.js';

export interface SupervisorContext {
  host: string;
  nowMs: () => number;
  backoff: BackoffConfig;
  /** Exit detection interval for adopted processes (they are not our children). */
  pollIntervalMs: number;
  /** Without a health check, a process up this long is ready. */
  readyAfterMs: number;
  cgroups: CgroupHost;
  changed: (s: RunState) => void;
}

/** One start of the process. Its pid is also its process group id (spawned detached). */
interface Run {
  pid: number;
  startTime?: string;
  /** Present when the process is our child (exit code known); absent for adopted processes. */
  adopted: boolean;
  startedMs: number;
  ended: boolean;
  exitCode?: number;
  /** Set when a failing health check killed the run. */
  unhealthy?: string;
  done: Promise<void>;
  markDone: () => void;
  poll?: NodeJS.Timeout;
  detach?: () => void;
}

const waitFor = (p: Promise<void>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });

export class Supervisor {
  phase: RunPhase = 'Starting';
  ready = false;
  restarts = 0;
  startedAt?: string;
  exitCode?: number;
  message?: string;
  limits: Limits = { cpu: false, memory: false };
  private cgroupDirs: string[] = [];
  private crashLoop = 0;
  private run?: Run;
  private timers = new Set<NodeJS.Timeout>();
  private health?: HealthMonitor;
  private stopping = false;
  private detached = false;

  constructor(
    readonly spec: RunSpec,
    readonly paths: WorkloadPaths,
    readonly ports: Record<string, number>,
    private readonly ctx: SupervisorContext,
  ) {}

  /** First start of this spec: creates its cgroups and launches the process. */
  start(): void {
    const placed = placeWorkload(this.ctx.cgroups, sanitiseId(this.spec.id), this.spec.resources);
    this.cgroupDirs = placed.dirs;
    this.limits = placed.limits;
    this.launch();
  }

  /** Takes over a persisted workload: supervises its live process, or handles its end if it died meanwhile. */
  adopt(p: PersistedWorkload): void {
    Object.assign(this, { restarts: p.restarts, phase: p.phase, ready: p.ready, startedAt: p.startedAt, exitCode: p.exitCode, message: p.message, limits: p.limits });
    this.cgroupDirs = p.cgroupDirs;
    this.crashLoop = p.crashLoop;
    const startedMs = p.startedAt ? Date.parse(p.startedAt) : this.ctx.nowMs();
    if (p.pid !== undefined && isAlive(p.pid, p.startTime)) {
      const run = this.newRun(p.pid, p.startTime, true, startedMs);
      if (this.cgroupDirs.length && !isMember(p.pid, this.cgroupDirs)) this.limits = { cpu: false, memory: false, reason: 'adopted process is not in its cgroup' };
      this.watchHealth(run, true);
      this.emit();
    } else if (p.pid !== undefined) {
      killStragglers(p.pid, p.startTime);
      this.afterEnd(startedMs, undefined, undefined, 'process ended while the agent was away (exit code unknown)');
    } else if (p.phase === 'Starting') {
      this.scheduleLaunch(restartDelay(Math.max(0, this.crashLoop - 1), this.ctx.backoff));
    } else this.emit();
  }

  get pid(): number | undefined {
    return this.run && !this.run.ended ? this.run.pid : undefined;
  }

  snapshot(): RunState {
    const s: RunState = {
      id: this.spec.id,
      uid: this.spec.uid,
      generation: this.spec.generation,
      phase: this.phase,
      ready: this.ready,
      host: this.ctx.host,
      ports: { ...this.ports },
      restarts: this.restarts,
      limits: { ...this.limits },
    };
    if (this.pid !== undefined) s.pid = this.pid;
    if (this.startedAt !== undefined) s.startedAt = this.startedAt;
    if (this.exitCode !== undefined) s.exitCode = this.exitCode;
    if (this.message !== undefined) s.message = this.message;
    return s;
  }

  private persisted(): PersistedWorkload {
    const run = this.run && !this.run.ended ? this.run : undefined;
    return {
      version: 1, spec: this.spec, ports: this.ports, restarts: this.restarts, phase: this.phase, ready: this.ready,
      pid: run?.pid, startTime: run?.startTime, startedAt: this.startedAt, exitCode: this.exitCode, message: this.message,
      limits: this.limits, cgroupDirs: this.cgroupDirs, crashLoop: this.crashLoop,
    };
  }

  /** Persists, then reports the new state (the driver drops duplicates). */
  private emit(): void {
    if (this.detached) return;
    writeState(this.paths, this.persisted());
    this.ctx.changed(this.snapshot());
  }

  private timer(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.health?.stop();
    this.health = undefined;
  }

  private newRun(pid: number, startTime: string | undefined, adopted: boolean, startedMs: number): Run {
    let markDone = () => {};
    const done = new Promise<void>((r) => (markDone = r));
    const run: Run = { pid, startTime, adopted, startedMs, ended: false, done, markDone };
    if (adopted) this.pollExit(run, this.ctx.pollIntervalMs);
    this.run = run;
    return run;
  }

  private pollExit(run: Run, everyMs: number): void {
    if (run.poll) clearInterval(run.poll);
    run.poll = setInterval(() => {
      if (!isAlive(run.pid, run.startTime)) this.onExit(run, undefined, 'process exited (adopted: exit code unknown)');
    }, everyMs);
    run.poll.unref();
  }

  private scheduleLaunch(delayMs: number): void {
    this.timer(delayMs, () => {
      if (this.stopping || this.detached) return;
      this.restarts++;
      this.launch();
    });
  }

  private launch(): void {
    this.startedAt = new Date(this.ctx.nowMs()).toISOString();
    this.exitCode = undefined;
    this.message = undefined;
    this.phase = 'Starting';
    this.ready = false;
    let pid: number | undefined;
    let child: ChildProcess;
    try {
      mkdirSync(this.paths.work, { recursive: true });
      mkdirSync(this.paths.logs, { recursive: true });
      const plan = planLaunch(this.spec, this.ports, this.paths.work);
      const { file, args } = withCgroupJoin(plan, this.cgroupDirs.map((d) => join(d, 'cgroup.procs')));
      const fd = openSync(join(this.paths.logs, CURRENT_LOG), 'a');
      try {
        child = spawn(file, args, { cwd: this.paths.work, env: plan.env, detached: true, stdio: ['ignore', fd, fd] });
      } finally {
        closeSync(fd);
      }
      pid = child.pid;
    } catch (e) {
      this.afterEnd(this.ctx.nowMs(), 127, undefined, `cannot start: ${(e as Error).message}`);
      return;
    }
    if (pid === undefined) {
      child.once('error', (e) => this.afterEnd(this.ctx.nowMs(), 127, undefined, `cannot start: ${e.message}`));
      return;
    }
    child.unref();
    const run = this.newRun(pid, readProcStat(pid)?.startTime, false, this.ctx.nowMs());
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      this.onExit(run, exitCodeOf(code, signal), signal ? `killed by ${signal}` : `exited with code ${String(code)}`);
    child.once('exit', onExit);
    child.on('error', () => {});
    run.detach = () => child.removeListener('exit', onExit);
    this.watchHealth(run, false);
    this.emit();
  }

  private probeContext(): ProbeContext {
    const env = workloadEnv(this.spec, this.ports, this.paths.work);
    return { host: this.ctx.host, ports: this.ports, env, cwd: this.paths.work, artifactBaseDir: this.spec.artifactBaseDir };
  }

  private becameReady(run: Run): void {
    if (this.phase !== 'Running' && this.cgroupDirs.length && !isMember(run.pid, this.cgroupDirs))
      this.limits = { cpu: false, memory: false, reason: `pid ${run.pid} is not in its cgroup` };
    this.phase = 'Running';
    this.ready = true;
  }

  private watchHealth(run: Run, adopted: boolean): void {
    const hc = this.spec.healthCheck;
    if (!hc || (!hc.http && !hc.tcp && !hc.exec)) {
      this.timer(adopted ? 0 : this.ctx.readyAfterMs, () => {
        if (this.run !== run || run.ended || (this.ready && this.phase === 'Running')) return;
        this.becameReady(run);
        this.emit();
      });
      return;
    }
    const everHealthy = adopted && this.phase === 'Running';
    this.health = new HealthMonitor(
      hc,
      this.probeContext(),
      {
        onResult: (r) => {
          if (this.run !== run || run.ended) return;
          if (r.ok) {
            this.becameReady(run);
            this.message = undefined;
          } else {
            this.ready = false;
            this.message = r.message;
          }
          this.emit();
        },
        onUnhealthy: (msg) => {
          if (this.run !== run || run.ended) return;
          run.unhealthy = msg;
          this.message = msg;
          this.emit();
          this.signal(run, 'SIGTERM');
          this.timer(this.spec.terminationGracePeriodSeconds * 1000, () => this.signal(run, 'SIGKILL'));
        },
      },
      this.ctx.nowMs,
      { everHealthy, skipInitialDelay: adopted },
    );
  }

  /** Signals the run's process group, unless it ended or (adopted) its pid now belongs to someone else. */
  private signal(run: Run, sig: NodeJS.Signals): void {
    if (run.ended || (run.adopted && !isAlive(run.pid, run.startTime))) return;
    killGroup(run.pid, sig);
  }

  private onExit(run: Run, exitCode: number | undefined, message: string): void {
    if (run.ended) return;
    run.ended = true;
    run.exitCode = exitCode;
    if (run.poll) clearInterval(run.poll);
    // The leader is gone: nothing else of this run may linger in its group.
    killStragglers(run.pid, run.startTime);
    if (this.run === run) {
      this.health?.stop();
      this.health = undefined;
      if (!this.stopping && !this.detached) this.afterEnd(run.startedMs, exitCode, run.unhealthy, message);
    }
    run.markDone();
  }

  /** Decides between restart (with back-off) and a terminal phase once a run has ended. */
  private afterEnd(startedMs: number, exitCode: number | undefined, unhealthy: string | undefined, message: string): void {
    this.run = undefined;
    this.ready = false;
    this.exitCode = exitCode;
    const why = unhealthy ?? message;
    if (shouldRestart(this.spec.restartPolicy, exitCode, unhealthy !== undefined)) {
      const b = backoffAfterExit(this.crashLoop, this.ctx.nowMs() - startedMs, this.ctx.backoff);
      this.crashLoop = b.crashLoop;
      this.phase = 'Starting';
      this.message = `${why}; back-off ${b.delayMs} ms before restart`;
      this.scheduleLaunch(b.delayMs);
    } else {
      this.phase = exitCode === 0 && !unhealthy ? 'Terminated' : 'Failed';
      this.message = why;
    }
    this.emit();
  }

  /** Graceful stop: SIGTERM to the group, SIGKILL after graceMs; no restart follows. Resolves with the final state. */
  async stop(graceMs: number, message = 'stopped'): Promise<RunState> {
    this.stopping = true;
    this.clearTimers();
    const run = this.run;
    if (run && !run.ended) {
      if (run.adopted) this.pollExit(run, 20);
      this.signal(run, 'SIGTERM');
      if (!(await waitFor(run.done, graceMs))) {
        this.signal(run, 'SIGKILL');
        if (!(await waitFor(run.done, 5000))) message = `${message}; process ${run.pid} did not die after SIGKILL`;
      }
    }
    if (run) {
      killStragglers(run.pid, run.startTime);
      if (run.poll) clearInterval(run.poll);
      this.exitCode = run.exitCode;
    }
    releaseCgroups(this.cgroupDirs);
    this.run = undefined;
    this.phase = 'Terminated';
    this.ready = false;
    this.message = message;
    return this.snapshot();
  }

  /** Stops supervising but leaves the process running; state on disk lets the next agent adopt it. */
  detach(): void {
    writeState(this.paths, this.persisted());
    this.detached = true;
    this.clearTimers();
    if (this.run?.poll) clearInterval(this.run.poll);
    this.run?.detach?.();
  }
}
