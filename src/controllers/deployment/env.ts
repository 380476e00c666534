// Resolves component connections to URLs of ready peer workloads (same area first, then the nearest site).
import type { Component, EnvVar, Site, Workload } from '../../model/index.js';
import { greatCircleKm } from '../../topology/index.js';
import { connectionEnv } from './template.js';

/** The URL a workload answers on for a named port (default: first exposed port, else first port). */
export function workloadUrl(w: Workload, port?: string): string | undefined {
  const st = w.status ?? {};
  if (port) {
    const p = st.ports?.[port];
    return p && st.host ? `http://${st.host}:${p}` : undefined;
  }
  return st.url;
}

export function isReady(w: Workload): boolean {
  return (
    w.status?.phase === 'Running' && (w.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

type SiteLookup = (name: string) => Site | undefined;

function siteDistance(a: Site | undefined, b: Site | undefined): number {
  if (!a || !b) return Number.MAX_SAFE_INTEGER;
  return greatCircleKm(a.spec.location, b.spec.location);
}

/**
 * Env vars for the connections of `c`, choosing among `ready[peer]` workloads; returns the missing peers
 * when some connection has no ready workload yet (the component must wait: start order follows connections).
 */
export function resolveConnections(
  c: Component,
  area: string | undefined,
  fromSite: string | undefined,
  ready: Map<string, Workload[]>,
  site: SiteLookup,
): { env: EnvVar[]; missing: string[] } {
  const env: EnvVar[] = [];
  const missing: string[] = [];
  for (const conn of c.connections ?? []) {
    const peers = (ready.get(conn.to) ?? []).filter((w) => workloadUrl(w, conn.port));
    if (!peers.length) {
      missing.push(conn.to);
      continue;
    }
    const from = fromSite ? site(fromSite) : undefined;
    const siteOf = (w: Workload): Site | undefined => (w.spec.siteName ? site(w.spec.siteName) : undefined);
    const best = [...peers].sort(
      (a, b) =>
        Number(b.spec.area === area) - Number(a.spec.area === area) ||
        siteDistance(from, siteOf(a)) - siteDistance(from, siteOf(b)) ||
        a.metadata.name.localeCompare(b.metadata.name),
    )[0];
    env.push({ name: connectionEnv(conn.to, conn.env), value: workloadUrl(best, conn.port)! });
  }
  return { env, missing };
}

/** Components in start order (a component after those it connects to); throws on a cycle. */
export function startOrder(components: Component[]): Component[] {
  const byName = new Map(components.map((c) => [c.name, c]));
  const out: Component[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: Component, path: string[]): void => {
    const s = state.get(c.name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`connection cycle: ${[...path, c.name].join(' -> ')}`);
    state.set(c.name, 'visiting');
    for (const conn of c.connections ?? []) {
      const peer = byName.get(conn.to);
      if (!peer) throw new Error(`component ${c.name} connects to unknown component ${conn.to}`);
      visit(peer, [...path, c.name]);
    }
    state.set(c.name, 'done');
    out.push(c);
  };
  for (const c of components) visit(c, []);
  return out;
}
