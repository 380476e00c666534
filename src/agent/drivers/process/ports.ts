// Host port allocation for process workloads: one free port per declared port, checked by binding.
import { createServer } from 'node:net';
import type { Port } from '../../../model/index.js';

/** True when `port` can be bound on `host` right now (the check is inherently racy; callers accept that). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Asks the kernel for an ephemeral port that is free on `host`. */
function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Allocates one host port per declared port, never one in `taken` (ports of this driver's other workloads).
 * Ports in `previous` (same name) are kept when still bindable, so a replaced workload keeps its endpoints.
 * Allocated ports are added to `taken`.
 */
export async function allocatePorts(
  host: string,
  ports: Port[],
  taken: Set<number>,
  previous: Record<string, number> = {},
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of ports) {
    const prev = previous[p.name];
    if (prev !== undefined && !taken.has(prev) && (await isPortFree(host, prev))) {
      out[p.name] = prev;
      taken.add(prev);
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      const candidate = await ephemeralPort(host);
      if (!taken.has(candidate)) {
        out[p.name] = candidate;
        taken.add(candidate);
        break;
      }
      if (attempt > 50) throw new Error(`no free port for ${p.name} on ${host}`);
    }
  }
  return out;
}

/** Env var name for a named port: PORT_<NAME>, upper-cased, '-' → '_'. */
export const portEnvName = (name: string): string => `PORT_${name.toUpperCase().replace(/-/g, '_')}`;

/** PORT (first declared port) and PORT_<NAME> for each port, in declaration order. */
export function portEnv(ports: Port[], allocated: Record<string, number>): Record<string, string> {
  const env: Record<string, string> = {};
  ports.forEach((p, i) => {
    const v = allocated[p.name];
    if (v === undefined) return;
    if (i === 0) env.PORT = String(v);
    env[portEnvName(p.name)] = String(v);
  });
  return env;
}
