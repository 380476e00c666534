// Health checks of containers, run by the agent: HTTP / TCP against the published loopback port, exec via `podman exec`.
import type { HealthCheck } from '../../../model/index.js';
import { healthTiming, probe, type ProbeResult } from '../process/health.js';

export { HealthMonitor } from '../process/health.js';
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
