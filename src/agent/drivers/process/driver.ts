// The process runtime driver: each workload is a real OS process group that outlives the agent and is re-adopted.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../../model/errors.js';
import type { DriverOptions, LogOptions, RunSpec, RunState, RuntimeDriver } from '../driver.js';
import { KeyedLock, StateNotifier } from '../serial.js';
import { detectCgroups, hostLimits, releaseCgroups, type CgroupHost, type Limits } from './cgroups.js';
import { confinementConfig, withSeccomp, type ConfinementOptions } from './confine.js';
import { cgroupScope } from './detect.js';
import { planLaunch } from './launch.js';
import { CURRENT_LOG, readLogLines, rotateIfNeeded } from './logs.js';
import { markLogTime } from './log-times.js';
import { DEFAULT_BACKOFF, type BackoffConfig } from './policy.js';
import { allocatePorts } from './ports.js';
import { assertVisible, SANDBOX_WORKDIR, visiblePaths } from './sandbox.js';
import { dropState, lockStateDir, readAllStates, workloadPaths } from './state.js';
import { Supervisor, type SupervisorContext } from './supervisor.js';
import { UidLeases } from './uids.js';

/**
 * Confinement (ADR 0010): by default (`confinement: 'required'`) every workload runs in a bwrap sandbox as its
 * own uid leased from `uidRange`, seeing only system dirs, its artifact dir and `readOnlyPaths` read-only and
 * never `hiddenPaths` or the driver's state dir. `confinement: 'off'` runs workloads as the agent user.
 */
export interface ProcessDriverOptions extends DriverOptions, Omit<ConfinementOptions, 'stateDir'> {
  /** Restart back-off (default 100 ms doubling to 10 s, reset after 10 s up). */
  backoff?: Partial<BackoffConfig>;
  /** Exit polling interval for adopted processes (default 250 ms). */
  pollIntervalMs?: number;
  /** Without a health check, a process up this long counts as ready (default 200 ms). */
  readyAfterMs?: number;
  /** How often log sizes are checked for rotation (default 1 s); logs may overshoot logMaxBytes by what is written meanwhile. */
  logCheckIntervalMs?: number;
  /** Follow-mode polling interval of logs() (default 100 ms). */
  logPollMs?: number;
  /** Use cgroups when the host allows (default true). */
  cgroups?: boolean;
  /** Non-fatal problems (unreadable state files, failed rotation). */
  onWarning?: (message: string) => void;
}

const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_LOG_FILES = 3;

/**
 * Creates a process driver on `opts.stateDir` and adopts the workloads a previous agent left running.
 * Throws ApiError Conflict while another live driver holds the same state dir.
 */
export async function createProcessDriver(opts: ProcessDriverOptions): Promise<ProcessDriver> {
  const d = new ProcessDriver(opts);
  try {
    d.adoptAll();
  } catch (e) {
    await d.close({ detach: true });
    throw e;
  }
  return d;
}

export class ProcessDriver implements RuntimeDriver {
  readonly name = 'process';
  /** What this host can enforce; per-workload limits are in each RunState. */
  readonly cgroups: CgroupHost;
  private readonly stateDir: string;
  private readonly host: string;
  private readonly logMaxBytes: number;
  private readonly logFiles: number;
  private readonly ctx: SupervisorContext;
  private readonly sups = new Map<string, Supervisor>();
  private readonly notifier = new StateNotifier((m) => this.warn(m));
  private readonly takenPorts = new Set<number>();
  private readonly locks = new KeyedLock();
  private readonly rotateTimer: NodeJS.Timeout;
  /** Last sampled size of each current log (the time index records changes only). */
  private readonly logSizes = new Map<string, number>();
  private readonly warn: (m: string) => void;
  private readonly unlock: () => void;
  /** Present when workloads are confined. */
  private readonly leases?: UidLeases;
  private closed = false;

  constructor(private readonly opts: ProcessDriverOptions) {
    this.stateDir = resolve(opts.stateDir);
    this.unlock = lockStateDir(this.stateDir);
    this.host = opts.host ?? '127.0.0.1';
    this.logMaxBytes = opts.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES;
    this.logFiles = opts.logFiles ?? DEFAULT_LOG_FILES;
    this.warn = opts.onWarning ?? (() => {});
    const confine = confinementConfig({ ...opts, stateDir: this.stateDir });
    if (!confine.ok) {
      this.unlock();
      throw new ApiError('Unavailable', confine.reason);
    }
    if (confine.sandbox) this.leases = new UidLeases(this.stateDir, confine.range);
    this.cgroups = detectCgroups(cgroupScope(this.stateDir), opts.cgroups ?? true);
    const now = opts.now ?? (() => new Date());
    this.ctx = {
      host: this.host,
      nowMs: () => now().getTime(),
      backoff: { ...DEFAULT_BACKOFF, ...opts.backoff },
      pollIntervalMs: opts.pollIntervalMs ?? 250,
      readyAfterMs: opts.readyAfterMs ?? 200,
      cgroups: this.cgroups,
      logFiles: this.logFiles,
      sandbox: confine.sandbox && withSeccomp(confine.sandbox, this.stateDir),
      changed: (s) => this.emit(s),
    };
    this.rotateTimer = setInterval(() => this.rotateLogs(), opts.logCheckIntervalMs ?? 1000);
    this.rotateTimer.unref();
  }

  /** Limits this host can enforce at all, with the reason for any it cannot. */
  hostLimits(): Limits {
    return hostLimits(this.cgroups);
  }

  /** Re-attaches to every persisted workload (called once, by createProcessDriver). */
  adoptAll(): void {
    for (const p of readAllStates(this.stateDir, this.warn)) {
      for (const port of Object.values(p.ports)) this.takenPorts.add(port);
      const sup = new Supervisor(p.spec, workloadPaths(this.stateDir, p.spec.id), p.ports, this.ctx);
      sup.identity = this.leases?.lease(p.spec.id);
      this.sups.set(p.spec.id, sup);
      sup.adopt(p);
    }
  }

  private emit(s: RunState): void {
    this.notifier.notify(s);
  }

  private validate(spec: RunSpec): void {
    if (this.closed) throw new ApiError('Unavailable', 'process driver is closed');
    if (spec.runtime !== 'process') throw new ApiError('Invalid', `process driver cannot run runtime ${spec.runtime}`);
    const names = spec.ports.map((p) => p.name);
    if (new Set(names).size !== names.length)
      throw new ApiError('Invalid', `workload ${spec.id}: duplicate port names`);
    // Resolves command and args now, so an unusable artifact is rejected before an old generation is stopped.
    const ports = Object.fromEntries(names.map((n) => [n, 0]));
    if (!this.ctx.sandbox) planLaunch(spec, ports, workloadPaths(this.stateDir, spec.id).work);
    else {
      const plan = planLaunch(spec, ports, SANDBOX_WORKDIR);
      assertVisible(plan.file, visiblePaths([...this.ctx.sandbox.readOnly, spec.artifactBaseDir]));
    }
  }

  private releasePorts(sup: Supervisor): void {
    for (const p of Object.values(sup.ports)) this.takenPorts.delete(p);
  }

  ensure(spec: RunSpec): Promise<RunState> {
    return this.locks.run(spec.id, async () => {
      const existing = this.sups.get(spec.id);
      if (existing && existing.spec.uid === spec.uid && existing.spec.generation === spec.generation) {
        existing.supplyEnv(spec.env);
        return existing.snapshot();
      }
      this.validate(spec);
      let previousPorts: Record<string, number> = {};
      if (existing) {
        previousPorts = existing.ports;
        this.emit(
          await existing.stop(
            existing.spec.terminationGracePeriodSeconds * 1000,
            `replaced by generation ${spec.generation}`,
          ),
        );
        this.releasePorts(existing);
      }
      const ports = await allocatePorts(this.host, spec.ports, this.takenPorts, previousPorts);
      const sup = new Supervisor(spec, workloadPaths(this.stateDir, spec.id), ports, this.ctx);
      sup.identity = this.leases?.lease(spec.id);
      this.sups.set(spec.id, sup);
      sup.start();
      return sup.snapshot();
    });
  }

  remove(id: string, graceSeconds?: number): Promise<void> {
    return this.locks.run(id, async () => {
      const sup = this.sups.get(id);
      if (!sup) return;
      const final = await sup.stop((graceSeconds ?? sup.spec.terminationGracePeriodSeconds) * 1000, 'removed');
      this.sups.delete(id);
      this.releasePorts(sup);
      this.emit(final);
      this.notifier.forget(id);
      rmSync(sup.paths.root, { recursive: true, force: true });
      this.leases?.release(id);
    });
  }

  get(id: string): RunState | undefined {
    return this.sups.get(id)?.snapshot();
  }

  list(): RunState[] {
    return [...this.sups.values()].map((s) => s.snapshot());
  }

  onChange(listener: (state: RunState) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async *logs(id: string, opts: LogOptions = {}): AsyncGenerator<string> {
    const sup = this.sups.get(id);
    if (!sup) throw new ApiError('NotFound', `workload ${id} is not known to this agent`);
    yield* readLogLines(sup.paths.logs, this.logFiles, {
      ...opts,
      pollMs: this.opts.logPollMs ?? 100,
      isGone: () => this.closed || !this.sups.has(id),
    });
  }

  private rotateLogs(): void {
    const live = new Set([...this.sups.values()].map((s) => join(s.paths.logs, CURRENT_LOG)));
    for (const log of this.logSizes.keys()) if (!live.has(log)) this.logSizes.delete(log);
    for (const sup of this.sups.values()) {
      try {
        rotateIfNeeded(sup.paths.logs, this.logMaxBytes, this.logFiles);
        markLogTime(join(sup.paths.logs, CURRENT_LOG), this.ctx.nowMs(), this.logSizes);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          this.warn(`log rotation for ${sup.spec.id}: ${(e as Error).message}`);
      }
    }
  }

  async close(opts: { detach: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.rotateTimer);
    await this.locks.idle();
    const sups = [...this.sups.values()];
    if (opts.detach) for (const s of sups) s.detach();
    else {
      const finals = await Promise.all(
        sups.map((s) => s.stop(s.spec.terminationGracePeriodSeconds * 1000, 'agent shut down')),
      );
      for (const s of sups) dropState(s.paths);
      for (const f of finals) this.emit(f);
      releaseCgroups(Object.values(this.cgroups.parents));
    }
    this.sups.clear();
    this.notifier.clear();
    this.unlock();
  }
}
