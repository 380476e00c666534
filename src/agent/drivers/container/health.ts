// Health checks of containers, run by the agent: HTTP / TCP against the published loopback port, exec via `podman exec`.
import type { HealthCheck } from '../../../model/index.js';
import { healthTiming, probe, type ProbeResult } from '../process/health.js';
import type { Podman } from './podman.js';

export type { ProbeResult };

/** One probe of the container `name`: HTTP / TCP on its host ports, or `exec` inside it. */
export async function probeContainer(
  podman: Podman,
  name: string,
  hc: HealthCheck,
  host: string,
  ports: Record<string, number>,
): Promise<ProbeResult> {
  if (hc.http || hc.tcp)
    return probe(
      { http: hc.http, tcp: hc.tcp, timeoutSeconds: hc.timeoutSeconds },
      {
        host,
        ports,
        env: {},
        cwd: '/',
      },
    );
  if (!hc.exec) return { ok: true };
  const timeoutMs = healthTiming(hc).timeoutMs;
  const r = await podman.exec(['exec', name, ...hc.exec.command], { timeoutMs });
  if (r.code === 0) return { ok: true };
  return { ok: false, message: `exec ${hc.exec.command[0]}: exit ${r.code} ${r.stderr.trim().slice(0, 200)}`.trim() };
}

/**
 * Probes on the check's schedule (the process runtime's rules: startup probes every min(period, 100 ms), a
 * failure counted at most once per period until the first success) and reports results and unhealthiness.
 */
export class ContainerHealth {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private lastCountedAt = -Infinity;

  constructor(
    private readonly hc: HealthCheck,
    private readonly run: () => Promise<ProbeResult>,
    private readonly events: { onResult(r: ProbeResult): void; onUnhealthy(message: string): void },
    private readonly nowMs: () => number,
    private healthy: boolean,
    skipInitialDelay: boolean,
  ) {
    this.schedule(skipInitialDelay ? 0 : healthTiming(hc).initialDelayMs);
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
