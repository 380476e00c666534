// Supervision of one workload: spawns or adopts its process, watches exit and health, restarts with back-off.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunPhase, RunSpec, RunState } from '../driver.js';
import { isMember, placeWorkload, releaseCgroups, type CgroupHost, type Limits } from './cgroups.js';
import { diagnoseExit, verifyDigest } from './diagnose.js';
import { HealthMonitor, probe, type ProbeContext } from './health.js';
import { planLaunch, withCgroupJoin, workloadEnv } from './launch.js';
import { CURRENT_LOG, keepPreviousRun } from './logs.js';
import { backoffAfterExit, restartDelay, shouldRestart, type BackoffConfig } from './policy.js';
import { isAlive, killStragglers } from './proc.js';
import { refusalReason } from './refusals.js';
import { Run } from './run.js';
import { prepareWorkDir, SANDBOX_WORKDIR, sandboxArgv, visiblePaths, type SandboxConfig } from './sandbox.js';
import { sanitiseId, writeState, type PersistedWorkload, type WorkloadPaths } from './state.js';
import type { Identity } from './uids.js';

export interface SupervisorContext {
  host: string;
  nowMs: () => number;
  backoff: BackoffConfig;
  /** Exit detection interval for adopted processes (they are not our children). */
  pollIntervalMs: number;
  /** Without a health check, a process up this long is ready. */
  readyAfterMs: number;
  cgroups: CgroupHost;
  /** Rotated log files kept per run (current.log.N); a restart moves them to previous.log.N. */
  logFiles: number;
  /** Present when workloads are confined; each Supervisor then has an `identity`. */
  sandbox?: SandboxConfig;
  changed: (s: RunState) => void;
}

export class Supervisor {
  phase: RunPhase = 'Starting';
  ready = false;
  restarts = 0;
  startedAt?: string;
  exitCode?: number;
  message?: string;
  /** Machine-readable why of a failing start (CommandNotFound, DigestMismatch); cleared by the next launch. */
  reason?: string;
  limits: Limits = { cpu: false, memory: false };
  /** The workload's leased uid/gid when confined (set by the driver before start or adopt). */
  identity?: Identity;
  private cgroupDirs: string[] = [];
  private crashLoop = 0;
  private run?: Run;
  private timers = new Set<NodeJS.Timeout>();
  private health?: HealthMonitor;
  private stopping = false;
  private detached = false;
  private lastPersisted = '';
  /** Adopted from a state file without env values: no launch until the agent resends the spec (supplyEnv). */
  private envPending = false;
  private launchDeferred = false;

  constructor(
    public spec: RunSpec,
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
    Object.assign(this, {
      restarts: p.restarts,
      phase: p.phase,
      ready: p.ready,
      startedAt: p.startedAt,
      exitCode: p.exitCode,
      message: p.message,
      limits: p.limits,
    });
    this.cgroupDirs = p.cgroupDirs;
    this.crashLoop = p.crashLoop;
    this.envPending = p.envRedacted === true && p.spec.env.length > 0;
    const startedMs = p.startedAt ? Date.parse(p.startedAt) : this.ctx.nowMs();
    if (p.pid !== undefined && isAlive(p.pid, p.startTime)) {
      const run = (this.run = Run.adopt(p.pid, p.startTime, startedMs, this.ctx.pollIntervalMs, this.onRunEnded));
      run.sandboxed = p.sandboxed === true;
      if (this.cgroupDirs.length && !isMember(p.pid, this.cgroupDirs))
        this.limits = { cpu: false, memory: false, reason: 'adopted process is not in its cgroup' };
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
    if (this.reason !== undefined) s.reason = this.reason;
    if (this.envPending) s.envPending = true;
    return s;
  }

  private persisted(): PersistedWorkload {
    const run = this.run && !this.run.ended ? this.run : undefined;
    return {
      version: 1,
      spec: this.spec,
      ports: this.ports,
      restarts: this.restarts,
      phase: this.phase,
      ready: this.ready,
      pid: run?.pid,
      startTime: run?.startTime,
      ...(run?.sandboxed ? { sandboxed: true } : {}),
      startedAt: this.startedAt,
      exitCode: this.exitCode,
      message: this.message,
      limits: this.limits,
      cgroupDirs: this.cgroupDirs,
      crashLoop: this.crashLoop,
    };
  }

  /** Persists (when changed), then reports the new state (the driver drops duplicates). */
  private emit(): void {
    if (this.detached) return;
    this.persist();
    this.ctx.changed(this.snapshot());
  }

  private persist(): void {
    const p = this.persisted();
    const key = JSON.stringify(p);
    if (key === this.lastPersisted) return;
    writeState(this.paths, p);
    this.lastPersisted = key;
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

  private scheduleLaunch(delayMs: number): void {
    this.timer(delayMs, () => {
      if (this.stopping || this.detached) return;
      this.restarts++;
      try {
        keepPreviousRun(this.paths.logs, this.ctx.logFiles);
      } catch {
        /* the new run's log then continues the old one: `logs --previous` shows less, nothing breaks */
      }
      this.launch();
    });
  }

  /** The full spec of the same generation, resent by the agent after adoption: its env, and a deferred launch. */
  supplyEnv(env: RunSpec['env']): void {
    if (!this.envPending) return;
    this.spec = { ...this.spec, env };
    this.envPending = false;
    if (this.launchDeferred && !this.stopping && !this.detached) {
      this.launchDeferred = false;
      this.launch();
    } else this.emit();
  }

  private launch(): void {
    if (this.envPending) {
      this.launchDeferred = true;
      this.phase = 'Starting';
      this.ready = false;
      this.message = 'waiting for the agent to resend the environment (never kept on disk)';
      this.emit();
      return;
    }
    this.startedAt = new Date(this.ctx.nowMs()).toISOString();
    this.exitCode = undefined;
    this.message = undefined;
    this.reason = undefined;
    this.phase = 'Starting';
    this.ready = false;
    let run: Run;
    try {
      const sb = this.confinement();
      mkdirSync(this.paths.work, { recursive: true });
      mkdirSync(this.paths.logs, { recursive: true });
      if (sb) prepareWorkDir(this.paths, sb.id);
      const plan = planLaunch(this.spec, this.ports, sb ? SANDBOX_WORKDIR : this.paths.work);
      verifyDigest(this.spec, plan.file, plan.env);
      // The agent's TMPDIR does not exist in the sandbox; its private /tmp does.
      if (sb && !this.spec.env.some((e) => e.name === 'TMPDIR') && plan.env.TMPDIR !== undefined)
        plan.env.TMPDIR = '/tmp';
      const inner = sb ? sb.wrap(plan) : plan;
      const { file, args } = withCgroupJoin(
        { ...plan, ...inner },
        this.cgroupDirs.map((d) => join(d, 'cgroup.procs')),
      );
      const logFile = join(this.paths.logs, CURRENT_LOG);
      run = this.run = Run.spawn(
        { file, args, env: plan.env, cwd: this.paths.work, logFile },
        this.ctx.nowMs(),
        this.onRunEnded,
      );
      run.sandboxed = sb !== undefined;
    } catch (e) {
      this.reason = refusalReason(e);
      this.afterEnd(this.ctx.nowMs(), 127, undefined, `cannot start: ${(e as Error).message}`);
      return;
    }
    this.watchHealth(run, false);
    this.emit();
  }

  /** How this workload's commands are confined (sandbox + identity), or undefined when it runs unconfined. */
  private confinement():
    | { id: Identity; wrap: (c: { file: string; args: string[] }, probe?: boolean) => { file: string; args: string[] } }
    | undefined {
    const cfg = this.ctx.sandbox;
    const id = this.identity;
    if (!cfg) return undefined;
    if (!id) throw new Error(`workload ${this.spec.id} has no uid lease`);
    const visible = visiblePaths([...cfg.readOnly, this.spec.artifactBaseDir]);
    return { id, wrap: (c, probe = false) => sandboxArgv(cfg, visible, id, this.paths.work, c, probe) };
  }

  private probeContext(): ProbeContext {
    const sb = this.confinement();
    const env = workloadEnv(this.spec, this.ports, sb ? SANDBOX_WORKDIR : this.paths.work);
    return {
      host: this.ctx.host,
      ports: this.ports,
      env,
      cwd: this.paths.work,
      artifactBaseDir: this.spec.artifactBaseDir,
      ...(sb ? { wrap: (c: { file: string; args: string[] }) => sb.wrap(c, true) } : {}),
    };
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
    const ctx = this.probeContext();
    this.health = new HealthMonitor(
      hc,
      () => probe(hc, ctx),
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
          run.signal('SIGTERM');
          this.timer(this.spec.terminationGracePeriodSeconds * 1000, () => run.signal('SIGKILL'));
        },
      },
      this.ctx.nowMs,
      { everHealthy, skipInitialDelay: adopted },
    );
  }

  /** Called once per run when it ends (see Run). */
  private readonly onRunEnded = (run: Run, exitCode: number | undefined, message: string): void => {
    if (this.run !== run) return;
    this.health?.stop();
    this.health = undefined;
    if (this.stopping || this.detached) return;
    const cfg = this.ctx.sandbox;
    const visible = cfg ? visiblePaths([...cfg.readOnly, this.spec.artifactBaseDir]) : undefined;
    const logFile = join(this.paths.logs, CURRENT_LOG);
    const d = run.unhealthy ? undefined : diagnoseExit(exitCode, this.ctx.nowMs() - run.startedMs, logFile, visible);
    if (d) this.reason = d.reason;
    this.afterEnd(run.startedMs, exitCode, run.unhealthy, d?.message ?? message);
  };

  /** Decides between restart (with back-off) and a terminal phase once a run has ended. */
  private afterEnd(
    startedMs: number,
    exitCode: number | undefined,
    unhealthy: string | undefined,
    message: string,
  ): void {
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
      run.pollEvery(20);
      run.signal('SIGTERM');
      if (!(await run.waitDone(graceMs))) {
        run.signal('SIGKILL');
        if (!(await run.waitDone(5000))) message = `${message}; process ${run.pid} did not die after SIGKILL`;
      }
    }
    if (run) this.exitCode = run.exitCode;
    releaseCgroups(this.cgroupDirs);
    this.run = undefined;
    this.phase = 'Terminated';
    this.ready = false;
    this.message = message;
    return this.snapshot();
  }

  /** Stops supervising but leaves the process running; state on disk lets the next agent adopt it. */
  detach(): void {
    this.persist();
    this.detached = true;
    this.clearTimers();
    this.run?.detach();
  }
}
