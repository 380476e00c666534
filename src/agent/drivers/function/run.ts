// One deployed function: its confined instances (process-runtime workloads), scale from/to zero, concurrency, state.
import { connect } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../../../lib/package.js';
import { ApiError } from '../../../model/errors.js';
import type { HealthCheck } from '../../../model/index.js';
import type { RunState, RunSpec, RuntimeDriver } from '../driver.js';
import { INVOKE_PORT, type FunctionPlan } from './settings.js';

/** The in-sandbox host program every instance runs (plain JS, shipped beside the driver). */
export const HOST_DIR = join(packageRoot(), 'src', 'agent', 'drivers', 'function', 'host');
export const HOST_FILE = join(HOST_DIR, 'host.mjs');

/** Callers waiting for a free instance slot, at most; beyond that a call is refused (503). */
const MAX_WAITING = 1000;
/** Log lines of stopped instances kept per function. */
const ARCHIVED_LINES = 2000;
/** How long a cold start may take before the call fails. */
const START_TIMEOUT_MS = 30_000;

export interface Instance {
  slot: number;
  innerId: string;
  inflight: number;
  lastUsed: number;
  stopping: boolean;
  /** Resolves once the process runtime launched the instance. */
  started: Promise<RunState>;
  /** Resolves with the instance's listening port once it accepts connections. */
  up: Promise<number>;
  final?: RunState;
  /** Set once the instance is being stopped. */
  stopped?: Promise<void>;
  /** Its log lines were moved to the function's `archived` (it is about to go). */
  logsKept?: boolean;
}

/** Cold and warm start figures of one function, since it was deployed. */
export interface StartStats {
  coldStarts: number[];
  calls: number;
  scaledToZero: number;
}

export interface RunContext {
  inner: RuntimeDriver;
  host: string;
  changed: (run: FunctionRun) => void;
  warn: (m: string) => void;
}

/** Maps the function's health check onto the instance's own port; without one, "listening" is the check. */
function instanceHealth(hc: HealthCheck | undefined): HealthCheck {
  if (hc?.http) return { ...hc, http: { ...hc.http, port: INVOKE_PORT } };
  if (hc?.tcp) return { ...hc, tcp: { port: INVOKE_PORT } };
  if (hc?.exec) return hc;
  return { tcp: { port: INVOKE_PORT } };
}

export class FunctionRun {
  readonly instances = new Map<number, Instance>();
  readonly stats: StartStats = { coldStarts: [], calls: 0, scaledToZero: 0 };
  /** The last log lines of instances that were stopped while the function stayed deployed (oldest first). */
  readonly archived: string[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly sweeper: NodeJS.Timeout;
  private restartsBefore = 0;
  private lastLimits?: RunState['limits'];
  private final?: RunState;
  private closed = false;

  constructor(
    readonly spec: RunSpec,
    readonly plan: FunctionPlan,
    readonly ports: Record<string, number>,
    private readonly ctx: RunContext,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.max(20, Math.min(1000, plan.idleMs / 4)));
    this.sweeper.unref();
  }

  private instanceSpec(slot: number): RunSpec {
    const s = this.spec;
    return {
      id: `${s.id}#${slot}`,
      uid: s.uid,
      generation: s.generation,
      runtime: 'process',
      artifact: { command: process.execPath, args: [HOST_FILE, this.plan.modulePath, this.plan.exportName] },
      ports: [{ name: INVOKE_PORT }],
      env: [...s.env, { name: 'CONTINUUM_FUNCTION_PORTS', value: JSON.stringify(this.ports) }],
      resources: s.resources,
      healthCheck: instanceHealth(s.healthCheck),
      restartPolicy: s.restartPolicy,
      terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
      ...(s.artifactBaseDir ? { artifactBaseDir: s.artifactBaseDir } : {}),
    };
  }

  /** Starts an instance in the lowest free slot (not waiting for it to listen). */
  startInstance(): Instance {
    let slot = 0;
    while (this.instances.has(slot)) slot++;
    const spec = this.instanceSpec(slot);
    const started = this.ctx.inner.ensure(spec);
    const inst: Instance = {
      slot,
      innerId: spec.id,
      inflight: 0,
      lastUsed: Date.now(),
      stopping: false,
      started,
      up: null!,
    };
    inst.up = started.then((s) => this.listening(inst, s.ports[INVOKE_PORT]));
    inst.up.catch(() => undefined);
    this.instances.set(slot, inst);
    return inst;
  }

  /** Polls the instance's port until it accepts a connection; fails once the instance ended or after a timeout. */
  private async listening(inst: Instance, port: number | undefined): Promise<number> {
    if (!port) throw new ApiError('Unavailable', `function ${this.spec.id}: instance has no port`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (await canConnect('127.0.0.1', port)) return port;
      const s = this.ctx.inner.get(inst.innerId);
      if (inst.stopping || !s || s.phase === 'Failed' || s.phase === 'Terminated')
        throw new ApiError('Unavailable', `function ${this.spec.id}: instance ended: ${s?.message ?? 'stopped'}`);
      if (Date.now() > deadline) throw new ApiError('Unavailable', `function ${this.spec.id}: instance did not start`);
      await new Promise((r) => setTimeout(r, 4));
    }
  }

  /**
   * A slot on an instance for one call: the least busy instance under the concurrency limit, else a new instance
   * (a cold start) while under maxInstances, else wait for a slot. Resolves with the instance and its port.
   */
  async acquire(): Promise<{ inst: Instance; port: number; coldMs?: number }> {
    for (;;) {
      if (this.closed) throw new ApiError('Unavailable', `function ${this.spec.id} is stopping`);
      const free = [...this.instances.values()]
        .filter((i) => !i.stopping && i.inflight < this.plan.concurrency && this.usable(i))
        .sort((a, b) => a.inflight - b.inflight)[0];
      const live = [...this.instances.values()].filter((i) => !i.stopping).length;
      const t0 = Date.now();
      const inst = free ?? (live < this.plan.maxInstances ? this.startInstance() : undefined);
      if (inst) {
        inst.inflight++;
        this.stats.calls++;
        try {
          const port = await inst.up;
          const coldMs = free ? undefined : Date.now() - t0;
          if (coldMs !== undefined) this.stats.coldStarts.push(coldMs);
          return { inst, port, coldMs };
        } catch (e) {
          this.release(inst);
          throw e;
        }
      }
      const all = [...this.instances.values()].filter((i) => !i.stopping);
      if (all.length > 0 && all.every((i) => !this.usable(i)))
        throw new ApiError(
          'Unavailable',
          `function ${this.spec.id} ended (${this.ctx.inner.get(all[0]!.innerId)?.message ?? 'no instance'}); ` +
            'a new generation deploys it again',
        );
      if (this.waiting.length >= MAX_WAITING)
        throw new ApiError('Unavailable', `function ${this.spec.id}: ${MAX_WAITING} calls already waiting`);
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  /** An instance that ended for good (Failed, or Terminated without restart) takes no calls. */
  private usable(i: Instance): boolean {
    const p = this.ctx.inner.get(i.innerId)?.phase;
    return p !== 'Failed' && p !== 'Terminated';
  }

  private healthy(i: Instance): boolean {
    const s = this.ctx.inner.get(i.innerId);
    return s?.phase === 'Running' && s.ready;
  }

  release(inst: Instance): void {
    inst.inflight--;
    inst.lastUsed = Date.now();
    this.waiting.shift()?.();
  }

  /** Stops instances that had no call for the idle period (scale to zero). */
  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const i of this.instances.values())
      // Only a healthy instance idles out: a crash-looping one keeps showing (and backing off) like a process.
      if (!i.stopping && i.inflight === 0 && now - i.lastUsed >= this.plan.idleMs && this.healthy(i)) {
        this.stats.scaledToZero++;
        await this.stopInstance(i, undefined);
      }
  }

  /** Stops one instance (once; a second call waits for the first). */
  private stopInstance(i: Instance, graceSeconds: number | undefined): Promise<void> {
    i.stopped ??= this.doStop(i, graceSeconds);
    return i.stopped;
  }

  private async doStop(i: Instance, graceSeconds: number | undefined): Promise<void> {
    i.stopping = true;
    this.restartsBefore += this.ctx.inner.get(i.innerId)?.restarts ?? 0;
    try {
      // Its log goes with it (the process runtime removes the workload's directory): keep the last lines.
      if (!this.closed) {
        const lines: string[] = [];
        for await (const l of this.ctx.inner.logs(i.innerId)) lines.push(l);
        this.archived.push(...lines);
        this.archived.splice(0, Math.max(0, this.archived.length - ARCHIVED_LINES));
      }
      i.logsKept = true;
      await this.ctx.inner.remove(i.innerId, graceSeconds);
    } catch (e) {
      this.ctx.warn(`function ${this.spec.id}: stopping instance ${i.slot}: ${(e as Error).message}`);
    }
    this.instances.delete(i.slot);
    for (const w of this.waiting.splice(0)) w();
    this.ctx.changed(this);
  }

  /** The instance whose log the function shows: the lowest slot whose log was not yet kept in `archived`. */
  logInstance(): Instance | undefined {
    return [...this.instances.values()].filter((i) => !i.logsKept).sort((a, b) => a.slot - b.slot)[0];
  }

  /** Called with each state the process runtime reports for one of this function's instances. */
  observe(s: RunState): void {
    this.lastLimits = s.limits;
    const inst = this.instances.get(Number(s.id.slice(s.id.lastIndexOf('#') + 1)));
    if (inst?.stopping && (s.phase === 'Terminated' || s.phase === 'Failed')) inst.final = s;
  }

  /** The instance whose state the function reports: the lowest slot still running. */
  primary(): Instance | undefined {
    return [...this.instances.values()].filter((i) => !i.stopping).sort((a, b) => a.slot - b.slot)[0];
  }

  /** Stops every instance (the function is removed or replaced); returns its final state. */
  async stop(graceSeconds: number | undefined, message: string): Promise<RunState> {
    this.closed = true;
    clearInterval(this.sweeper);
    const prim = this.primary();
    await Promise.all([...this.instances.values()].map((i) => this.stopInstance(i, graceSeconds)));
    for (const w of this.waiting.splice(0)) w();
    const last = prim?.final;
    this.final = {
      ...this.base(),
      phase: last?.phase === 'Failed' ? 'Failed' : 'Terminated',
      ready: false,
      restarts: this.restartsBefore,
      ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
      message,
    };
    return this.final;
  }

  private base(): Pick<RunState, 'id' | 'uid' | 'generation' | 'host' | 'ports' | 'limits'> {
    const s = this.spec;
    const limits = this.lastLimits ?? { cpu: false, memory: false, reason: 'no instance has run yet' };
    return { id: s.id, uid: s.uid, generation: s.generation, host: this.ctx.host, ports: { ...this.ports }, limits };
  }

  /** The function's state: its primary instance's, or "Running, scaled to zero" when none runs. */
  state(): RunState {
    if (this.final) return this.final;
    const prim = this.primary();
    const s = prim && this.ctx.inner.get(prim.innerId);
    const running = [...this.instances.values()].filter((i) => !i.stopping).length;
    if (s) {
      const { phase, ready, pid, restarts, startedAt, exitCode, message } = s;
      return {
        ...this.base(),
        phase,
        ready,
        restarts: this.restartsBefore + restarts,
        ...(pid !== undefined ? { pid } : {}),
        ...(startedAt ? { startedAt } : {}),
        ...(exitCode !== undefined ? { exitCode } : {}),
        message: message ?? `${running} instance${running === 1 ? '' : 's'} running`,
      };
    }
    if (prim) return { ...this.base(), phase: 'Starting', ready: false, restarts: this.restartsBefore };
    return {
      ...this.base(),
      phase: 'Running',
      ready: true,
      restarts: this.restartsBefore,
      message: `scaled to zero (no call for ${this.plan.idleMs / 1000}s); the next call starts an instance`,
    };
  }
}

/** True when a TCP connection to host:port succeeds. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}
