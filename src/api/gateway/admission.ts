// Where agents report endpoints: a Workload's status may only name addresses its site registered.
import { ApiError, SiteKind, WorkloadKind, isObjectOf, type AnyResource } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import { parseIp } from './cidr.js';
import { siteAllowsHost } from './routing.js';
import { endpointOrigin } from './upstream.js';

/**
 * Refuses (422, field path) a Workload status whose `host` or `url` lies outside the addresses of the Workload's
 * site (spec.workloadNetworks, else the IP address its agent registered). A site that registered neither is not
 * checked here (its agent may report workloads before its first heartbeat); the gateway still never routes to it.
 * Objects of other kinds pass.
 */
export async function admitWorkloadStatus(store: Store, obj: AnyResource): Promise<void> {
  if (!isObjectOf(WorkloadKind, obj) || !obj.status) return;
  const siteName = obj.spec.siteName;
  if (!siteName) return;
  const site = await store.get(SiteKind, undefined, siteName);
  if (!site) return;
  const agentHost = site.status?.agent?.address?.replace(/:\d+$/, '') ?? '';
  // Without declared networks, only an agent that registered an IP address is held to it (a host name cannot be
  // compared with the address a workload reports without DNS; the gateway still refuses such endpoints).
  if (!site.spec.workloadNetworks?.length && !parseIp(agentHost)) return;
  const hosts: Array<[string, string]> = [];
  if (obj.status.host) hosts.push(['status.host', obj.status.host]);
  if (obj.status.url) {
    const o = endpointOrigin(obj.status.url);
    if (!o)
      throw new ApiError('Invalid', 'status.url must be an http(s) URL without credentials', [
        { field: 'status.url', message: 'not an http(s) origin' },
      ]);
    hosts.push(['status.url', o.hostname]);
  }
  for (const [field, host] of hosts)
    if (!siteAllowsHost(site, host))
      throw new ApiError('Invalid', `${field} ${JSON.stringify(host)} is not an address site ${siteName} registered`, [
        { field, message: `not within the addresses of site ${siteName} (spec.workloadNetworks or its agent's host)` },
      ]);
}
