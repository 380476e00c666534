// User-facing ports of an application's components (listed as Deployment endpoints).
import type { ApplicationSpec } from '../../model/index.js';

/** component → names of exposed ports; when no port is exposed anywhere, every component's first port. */
export function exposedPortsOf(app: ApplicationSpec): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of app.components) {
    const ports = (c.ports ?? []).filter((p) => p.expose).map((p) => p.name);
    if (ports.length) out.set(c.name, ports);
  }
  if (out.size === 0) for (const c of app.components) if (c.ports?.[0]) out.set(c.name, [c.ports[0].name]);
  return out;
}
