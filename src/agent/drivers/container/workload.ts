// Supervision of one container workload: create, start, exit via podman events, restart with back-off, health, stop.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunPhase, RunSpec, RunState } from '../driver.js';
import { backoffAfterExit, shouldRestart, type BackoffConfig } from '../process/policy.js';
import { HealthMonitor, probeContainer } from './health.js';
import { PeerForwarding } from './forward.js';
import type { Podman } from './podman.js';

export interface WorkloadContext {
  podman: Podman;
  host: string;
  nowMs: () => number;
  backoff: BackoffConfig;
  /** Without a health check, a container up this long is ready. */
  readyAfterMs: number;
  changed: (w: ContainerWorkload) => void;
  /** The host loopback ports a workload may call (its declared peers'), forwarded into its namespace. */
  peerPorts: (spec: RunSpec) => number[];
  warn: (msg: string) => void;
}

/** The mutable part of a workload the driver persists (no env, no secrets) so a new agent continues counting. */
export interface WorkloadProgress {
  restarts: number;
  crashLoop: number;
  phase: RunPhase;
  ready: boolean;
  startedAt?: string;
  exitCode?: number;
  message?: string;
}

/** One workload = one podman container `name`, started again in place on restarts. */
export class ContainerWorkload {
  phase: RunPhase = 'Starting';
  ready = false;
  restarts = 0;
  crashLoop = 0;
  startedAt?: string;
  exitCode?: number;
  message?: string;
  pid?: number;
  /** Whether the container is running (between a successful start and its died event). */
  private running = false;
  private startedMs = 0;
  private unhealthy?: string;
  private stopping = false;
  private detached = false;
  private health?: HealthMonitor;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deathWaiters = new Set<() => void>();
  /** podman's id of the container (known once created, or from the listing on adoption). */
  containerId?: string;
  private readonly forwards: PeerForwarding;

  constructor(
    readonly spec: RunSpec,
    readonly name: string,
    readonly ports: Record<string, number>,
    readonly uidBase: number,
    readonly limits: RunState['limits'],
    private readonly ctx: WorkloadContext,
  ) {
    this.forwards = new PeerForwarding(
      () => ctx.peerPorts(spec),
      (m) => ctx.warn(`workload ${spec.id}: ${m}`),
    );
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

  progress(): WorkloadProgress {
    const { restarts, crashLoop, phase, ready, startedAt, exitCode, message } = this;
    return { restarts, crashLoop, phase, ready, startedAt, exitCode, message };
  }

  private emit(): void {
    if (!this.detached) this.ctx.changed(this);
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

  /** A run begins: called just before the container is started (by `podman run -d` or `podman start`). */
  beginRun(): void {
    this.startedMs = this.ctx.nowMs();
    this.startedAt = new Date(this.startedMs).toISOString();
    this.exitCode = undefined;
    this.message = undefined;
    this.unhealthy = undefined;
    this.phase = 'Starting';
    this.ready = false;
    this.running = true;
  }

  /** The container of this run was started: learn its pid and watch its health (unless it died already). */
  async afterStart(containerId?: string): Promise<void> {
    if (containerId) this.containerId = containerId;
    await this.refreshPid();
    if (!this.running || this.stopping || this.detached) return;
    await this.forwards.open(this.pid);
    this.watchHealth(false);
    this.emit();
  }

  /** Restarts the container in place. */
  private async launch(): Promise<void> {
    this.beginRun();
    const r = await this.ctx.podman.exec(['start', this.name]);
    if (this.stopping || this.detached) return;
    if (r.code !== 0) {
      this.running = false;
      this.afterEnd(127, `cannot start: ${r.stderr.trim().slice(0, 500)}`);
      return;
    }
    await this.afterStart();
  }

  /** Reads the host pid of the container's init from conmon's pid file (podman inspect when unknown). */
  private async refreshPid(): Promise<void> {
    let pid = NaN;
    if (this.containerId) {
      const file = join(this.ctx.podman.home.run, 'overlay-containers', this.containerId, 'userdata', 'pidfile');
      pid = Number(await readFile(file, 'utf8').catch(() => ''));
    }
    if (!(pid > 0)) {
      const r = await this.ctx.podman.exec(['inspect', '--format', '{{.State.Pid}}', this.name]);
      pid = r.code === 0 ? Number(r.stdout.trim()) : NaN;
    }
    this.pid = pid > 0 && this.running ? pid : undefined;
  }

  /** Takes over a container found running (or exited) by a new driver. */
  adopt(p: WorkloadProgress, state: { running: boolean; pid?: number; exitCode?: number }): void {
    Object.assign(this, p);
    if (state.running) {
      this.running = true;
      this.pid = state.pid;
      this.startedMs = p.startedAt ? Date.parse(p.startedAt) : this.ctx.nowMs();
      void this.forwards.open(state.pid);
      this.watchHealth(true);
      this.emit();
    } else if (p.phase === 'Starting' || p.phase === 'Running') {
      this.startedMs = p.startedAt ? Date.parse(p.startedAt) : this.ctx.nowMs();
      this.afterEnd(state.exitCode, 'container ended while the agent was away');
    } else this.emit();
  }

  private becameReady(): void {
    this.phase = 'Running';
    this.ready = true;
  }

  private watchHealth(adopted: boolean): void {
    const hc = this.spec.healthCheck;
    if (!hc || (!hc.http && !hc.tcp && !hc.exec)) {
      this.timer(adopted ? 0 : this.ctx.readyAfterMs, () => {
        if (!this.running || this.stopping || (this.ready && this.phase === 'Running')) return;
        this.becameReady();
        this.emit();
      });
      return;
    }
    this.health = new HealthMonitor(
      hc,
      () => probeContainer(this.ctx.podman, this.name, hc, this.ctx.host, this.ports),
      {
        onResult: (r) => {
          if (!this.running || this.stopping) return;
          if (r.ok) {
            this.becameReady();
            this.message = undefined;
          } else {
            this.ready = false;
            this.message = r.message;
          }
          this.emit();
        },
        onUnhealthy: (msg) => {
          if (!this.running || this.stopping) return;
          this.unhealthy = msg;
          this.message = msg;
          this.emit();
          void this.kill('TERM');
          this.timer(this.spec.terminationGracePeriodSeconds * 1000, () => void this.kill('KILL'));
        },
      },
      this.ctx.nowMs,
      { everHealthy: adopted && this.phase === 'Running', skipInitialDelay: adopted },
    );
  }

  private kill(signal: 'TERM' | 'KILL'): Promise<unknown> {
    return this.ctx.podman.exec(['kill', '--signal', signal, this.name]);
  }

  /** The container died (a podman event, or found exited): restart or settle, unless we are stopping it. */
  died(exitCode: number | undefined): void {
    if (!this.running) return;
    this.running = false;
    this.pid = undefined;
    this.forwards.close();
    for (const w of this.deathWaiters) w();
    this.deathWaiters.clear();
    this.health?.stop();
    this.health = undefined;
    if (this.stopping || this.detached) {
      this.exitCode = exitCode;
      return;
    }
    this.afterEnd(exitCode, exitCode === undefined ? 'container ended' : `exited with code ${exitCode}`);
  }

  private afterEnd(exitCode: number | undefined, message: string): void {
    this.ready = false;
    this.exitCode = exitCode;
    const why = this.unhealthy ?? message;
    if (shouldRestart(this.spec.restartPolicy, exitCode, this.unhealthy !== undefined)) {
      const b = backoffAfterExit(this.crashLoop, this.ctx.nowMs() - this.startedMs, this.ctx.backoff);
      this.crashLoop = b.crashLoop;
      this.phase = 'Starting';
      this.message = `${why}; back-off ${b.delayMs} ms before restart`;
      this.timer(b.delayMs, () => {
        if (this.stopping || this.detached) return;
        this.restarts++;
        void this.launch();
      });
    } else {
      this.phase = exitCode === 0 && !this.unhealthy ? 'Terminated' : 'Failed';
      this.message = why;
    }
    this.emit();
  }

  /** Resolves true once the container has died, false after `ms` (an inspect poll covers a missed event). */
  private async waitDeath(ms: number): Promise<boolean> {
    const deadline = this.ctx.nowMs() + ms;
    while (this.running) {
      const left = deadline - this.ctx.nowMs();
      if (left <= 0) return false;
      await new Promise<void>((done) => {
        const t = setTimeout(done, Math.min(left, 250));
        this.deathWaiters.add(() => {
          clearTimeout(t);
          done();
        });
      });
      if (!this.running) break;
      const r = await this.ctx.podman.exec([
        'inspect',
        '--format',
        '{{.State.Running}} {{.State.ExitCode}}',
        this.name,
      ]);
      const [run, code] = r.stdout.trim().split(' ');
      if (r.code !== 0 || run === 'false') this.died(r.code === 0 ? Number(code) : undefined);
    }
    return true;
  }

  /** Graceful stop: SIGTERM, SIGKILL after graceMs; no restart follows. Resolves with the final state. */
  async stop(graceMs: number, message = 'stopped'): Promise<RunState> {
    this.stopping = true;
    this.clearTimers();
    if (this.running) {
      await this.kill('TERM');
      if (!(await this.waitDeath(graceMs))) {
        await this.kill('KILL');
        if (!(await this.waitDeath(10_000))) message = `${message}; container ${this.name} did not die after SIGKILL`;
      }
    }
    this.forwards.close();
    this.phase = 'Terminated';
    this.ready = false;
    this.message = message;
    return this.snapshot();
  }

  /** Stops supervising; the container keeps running for the next agent to adopt. */
  detach(): void {
    this.detached = true;
    this.clearTimers();
    this.forwards.close();
  }
}
