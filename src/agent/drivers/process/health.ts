// Health checks of process workloads: one HTTP / TCP / exec probe, and the schedule that turns probes into readiness.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { HealthCheck } from '../../../model/index.js';
import { expandVars, resolveCommand } from './launch.js';

export interface ProbeResult {
  ok: boolean;
  message?: string;
}

export interface ProbeContext {
  host: string;
  /** Allocated host ports by name, in declaration order (first = default port). */
  ports: Record<string, number>;
  env: Record<string, string>;
  cwd: string;
  artifactBaseDir?: string;
  /** Confines an exec probe like the workload itself (same uid, same sandbox); absent when unconfined. */
  wrap?: (cmd: { file: string; args: string[] }) => { file: string; args: string[] };
}

/** Timing of a health check with defaults filled in (seconds → milliseconds). */
export interface HealthTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  /** Probe interval until the first success (startup): min(period, 100 ms), so readiness is seen quickly. */
  startupPeriodMs: number;
}

export function healthTiming(hc: HealthCheck): HealthTiming {
  const periodMs = (hc.periodSeconds ?? 10) * 1000;
  return {
    initialDelayMs: (hc.initialDelaySeconds ?? 0) * 1000,
    periodMs,
    timeoutMs: (hc.timeoutSeconds ?? 1) * 1000,
    failureThreshold: hc.failureThreshold ?? 3,
    startupPeriodMs: Math.min(periodMs, 100),
  };
}

/** A port reference of a check: a declared port name, a number, or (absent) the first declared port. */
function portOf(ref: string | undefined, ports: Record<string, number>): number | undefined {
  if (ref === undefined) return Object.values(ports)[0];
  if (ports[ref] !== undefined) return ports[ref];
  return /^\d+$/.test(ref) ? Number(ref) : undefined;
}

function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP GET ${path} returned ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, message: `HTTP GET ${path}: ${e.message}` }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (r: ProbeResult) => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(timeoutMs, () =>
      done({ ok: false, message: `TCP connect ${port}: timed out after ${timeoutMs} ms` }),
    );
    sock.once('connect', () => done({ ok: true }));
    sock.once('error', (e) => done({ ok: false, message: `TCP connect ${port}: ${e.message}` }));
  });
}

function execProbe(command: string[], ctx: ProbeContext, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let file: string;
    try {
      file = resolveCommand(expandVars(command[0] ?? '', ctx.env), ctx.artifactBaseDir, ctx.env.PATH ?? '');
    } catch (e) {
      resolve({ ok: false, message: `exec: ${(e as Error).message}` });
      return;
    }
    const cmd = { file, args: command.slice(1).map((a) => expandVars(a, ctx.env)) };
    const run = ctx.wrap ? ctx.wrap(cmd) : cmd;
    execFile(
      run.file,
      run.args,
      { cwd: ctx.cwd, env: ctx.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 },
      (err, _out, stderr) => {
        if (!err) resolve({ ok: true });
        else
          resolve({
            ok: false,
            message:
              `exec ${command[0]}: ${err.killed ? 'timed out' : `exit ${String(err.code)}`} ${String(stderr).trim().slice(0, 200)}`.trim(),
          });
      },
    );
  });
}

/** Runs one probe of `hc`; never throws. */
export async function probe(hc: HealthCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const { timeoutMs } = healthTiming(hc);
  if (hc.http) {
    const port = portOf(hc.http.port, ctx.ports);
    if (port === undefined) return { ok: false, message: `HTTP check: no port ${hc.http.port ?? '(first)'}` };
    return httpProbe(ctx.host, port, hc.http.path, timeoutMs);
  }
  if (hc.tcp) {
    const port = portOf(hc.tcp.port, ctx.ports);
    if (port === undefined) return { ok: false, message: `TCP check: no port ${hc.tcp.port ?? '(first)'}` };
    return tcpProbe(ctx.host, port, timeoutMs);
  }
  if (hc.exec) return execProbe(hc.exec.command, ctx, timeoutMs);
  return { ok: true };
}

export interface HealthEvents {
  /** Every probe result, with whether the workload has ever been healthy in this run. */
  onResult(r: ProbeResult): void;
  /** failureThreshold consecutive counted failures: the run is unhealthy (liveness). */
  onUnhealthy(message: string): void;
}

/**
 * Probes one run (of any runtime) on its schedule. Until the first success it probes every startupPeriodMs, but a failure
 * counts towards failureThreshold at most once per periodMs, so a slow start is not mistaken for a hang.
 */
export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private lastCountedAt = -Infinity;
  private healthy: boolean;

  constructor(
    private readonly hc: HealthCheck,
    /** One probe (the process runtime: `probe(hc, ctx)`; the container runtime probes through podman). */
    private readonly run: () => Promise<ProbeResult>,
    private readonly events: HealthEvents,
    private readonly nowMs: () => number,
    opts: { everHealthy?: boolean; skipInitialDelay?: boolean } = {},
  ) {
    this.healthy = opts.everHealthy ?? false;
    const t = healthTiming(hc);
    this.schedule(opts.skipInitialDelay ? 0 : t.initialDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const t = healthTiming(this.hc);
    const r = await this.run();
    if (this.stopped) return;
    if (r.ok) {
      this.failures = 0;
      this.healthy = true;
    } else {
      const now = this.nowMs();
      if (this.healthy || now - this.lastCountedAt >= t.periodMs) {
        this.failures++;
        this.lastCountedAt = now;
      }
    }
    this.events.onResult(r);
    if (this.stopped) return;
    if (this.failures >= t.failureThreshold) {
      this.stop();
      this.events.onUnhealthy(`health check failed ${this.failures} times: ${r.message ?? 'failed'}`);
      return;
    }
    this.schedule(this.healthy ? t.periodMs : t.startupPeriodMs);
  }
}
