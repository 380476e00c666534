// Nearest-replica routing: which ready endpoints may serve a caller, nearest to the caller's user area first.
import { getCondition, type Deployment, type Site, type UserArea } from '../../model/index.js';
import { modelRttMs } from '../../topology/index.js';
import { cidrContains, parseCidr, parseIp } from './cidr.js';
import { endpointOrigin } from './upstream.js';

type Endpoint = NonNullable<NonNullable<Deployment['status']>['endpoints']>[number];

/** A routable endpoint of the deployment, with its modelled round trip from the caller's area. */
export interface Candidate {
  url: string;
  component: string;
  site: string;
  area?: string;
  /** Modelled RTT in ms from the caller's area to the endpoint's site; undefined without a caller area. */
  rttMs?: number;
}

/** Replicas whose modelled RTTs differ by at most this much are equals and share the load (round robin). */
export const EQUAL_RTT_MS = 1;

/** Why an endpoint is not routable (undefined = routable). */
export function unroutable(ep: Endpoint, site: Site | undefined): string | undefined {
  if (!ep.site) return 'endpoint names no site';
  if (!site) return `site ${ep.site} does not exist`;
  if (getCondition(site.status?.conditions, 'Ready')?.status !== 'True') return `site ${ep.site} is not Ready`;
  const origin = endpointOrigin(ep.url);
  if (!origin) return 'endpoint is not an http(s) origin';
  if (!siteAllowsHost(site, origin.hostname))
    return `endpoint host ${origin.hostname} is not an address of site ${site.metadata.name}`;
  return undefined;
}

/**
 * Whether `host` is an address the site registered: within spec.workloadNetworks when set, otherwise the host of
 * the address its agent registered (status.agent.address). A site with neither registers no workload address.
 */
export function siteAllowsHost(site: Site, host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  const nets = site.spec.workloadNetworks;
  if (nets?.length)
    return nets.some((n) => {
      const c = parseCidr(n);
      return !!c && cidrContains(c, h);
    });
  const agent = site.status?.agent?.address;
  if (!agent) return false;
  const agentHost = agent.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const a = parseIp(agentHost);
  const b = parseIp(h);
  if (a && b) return a.family === b.family && a.bits === b.bits;
  return agentHost.toLowerCase() === h.toLowerCase();
}

/** The area whose networks hold `ip` with the longest prefix; undefined when none does. */
export function areaOfAddress(areas: UserArea[], ip: string): UserArea | undefined {
  let best: { area: UserArea; prefix: number } | undefined;
  for (const area of areas)
    for (const n of area.spec.networks ?? []) {
      const c = parseCidr(n);
      if (c && cidrContains(c, ip) && (!best || c.prefix > best.prefix)) best = { area, prefix: c.prefix };
    }
  return best?.area;
}

/**
 * Orders the routable endpoints for one request: by modelled RTT from `area` (all equal without an area), and
 * within each group of equals (RTT within EQUAL_RTT_MS of the group's nearest) rotated by `turn`, so equals share
 * the load and the rest of the list is the fallback order for connect failures.
 */
export function rankCandidates(
  endpoints: Endpoint[],
  sites: ReadonlyMap<string, Site | undefined>,
  area: UserArea | undefined,
  turn: number,
): Candidate[] {
  const ok: Candidate[] = [];
  for (const ep of endpoints) {
    const site = ep.site ? sites.get(ep.site) : undefined;
    if (unroutable(ep, site) || !site) continue;
    const rttMs = area ? modelRttMs(area.spec.location, site.spec.location, site.spec.category) : undefined;
    ok.push({
      url: ep.url,
      component: ep.component,
      site: site.metadata.name,
      ...(ep.area ? { area: ep.area } : {}),
      ...(rttMs !== undefined ? { rttMs } : {}),
    });
  }
  ok.sort((a, b) => (a.rttMs ?? 0) - (b.rttMs ?? 0) || a.url.localeCompare(b.url));
  const out: Candidate[] = [];
  for (let i = 0; i < ok.length;) {
    let j = i + 1;
    while (j < ok.length && (ok[j].rttMs ?? 0) - (ok[i].rttMs ?? 0) <= EQUAL_RTT_MS) j++;
    const group = ok.slice(i, j);
    const r = turn % group.length;
    out.push(...group.slice(r), ...group.slice(0, r));
    i = j;
  }
  return out;
}
