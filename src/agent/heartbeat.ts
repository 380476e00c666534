// The agent's heartbeat: renewing the site's Lease, reporting Site status changes, finding peers to measure.
import { PEERS_PATH, type ContinuumClient, type PeersAnswer } from '../client/index.js';
import {
  API_VERSION,
  isApiError,
  LeaseKind,
  siteLeaseName,
  SiteKind,
  type Lease,
  type Site,
  type SiteSpec,
} from '../model/index.js';
import { mergeDiff } from './merge-diff.js';
import { measurePeers } from './probe.js';
import { registerSite } from './registration.js';
import { buildSiteStatus, type HeartbeatReport } from './site-status.js';

/**
 * Merge-patches the Site's status from `site` (the last known object) with a resourceVersion
 * precondition: on Conflict the Site is re-read and the patch recomputed; a deleted Site is registered
 * again (created only with `siteSpec`). Returns the stored Site (unchanged when nothing differed).
 */
export async function sendHeartbeat(
  api: ContinuumClient,
  site: Site,
  report: (site: Site) => HeartbeatReport,
  siteSpec?: SiteSpec,
): Promise<Site> {
  const name = site.metadata.name;
  for (let attempt = 0; attempt < 3; attempt++) {
    const diff = mergeDiff(site.status ?? {}, buildSiteStatus(site.status, report(site)));
    if (diff === undefined) return site;
    try {
      return await api.patch(
        SiteKind,
        undefined,
        name,
        { metadata: { resourceVersion: site.metadata.resourceVersion }, status: diff },
        'status',
      );
    } catch (e) {
      if (isApiError(e, 'Conflict')) site = await api.get(SiteKind, undefined, name);
      else if (isApiError(e, 'NotFound')) site = (await registerSite(api, name, siteSpec)).site;
      else throw e;
    }
  }
  throw new Error(`site ${name}: heartbeat kept conflicting with concurrent writers`);
}

/**
 * Renews the site's liveness Lease (`site-NAME`): one small write per heartbeat instead of a Site write that
 * every Site watcher receives. `leaseDurationSeconds` tells the control plane how long to wait (3 heartbeats).
 * `renewTime` is informative only: the control plane judges liveness by when *it* saw the lease change.
 */
export async function renewSiteLease(
  api: ContinuumClient,
  site: string,
  holder: string,
  heartbeatMs: number,
  now: Date,
  cached: Lease | undefined,
): Promise<Lease> {
  const name = siteLeaseName(site);
  const spec = {
    holderIdentity: holder,
    leaseDurationSeconds: Math.min(3600, Math.max(1, Math.ceil((3 * heartbeatMs) / 1000))),
    renewTime: now.toISOString(),
  };
  let cur = cached;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (!cur) cur = await api.tryGet(LeaseKind, undefined, name);
      if (!cur)
        return await api.create({
          apiVersion: API_VERSION,
          kind: 'Lease',
          metadata: { name },
          spec: { ...spec, acquireTime: spec.renewTime, leaseTransitions: 0 },
        });
      const taken = cur.spec.holderIdentity !== holder;
      return await api.update({
        ...cur,
        spec: {
          ...cur.spec,
          ...spec,
          ...(taken ? { acquireTime: spec.renewTime, leaseTransitions: (cur.spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      });
    } catch (e) {
      if (!isApiError(e, 'Conflict') && !isApiError(e, 'NotFound') && !isApiError(e, 'AlreadyExists')) throw e;
      cur = undefined;
    }
  }
  throw new Error(`site ${site}: lease renewal kept conflicting with concurrent writers`);
}

/** RTT in ms to every other site whose agent advertises an address (unreachable ones left out). */
export async function measureSiteLatencies(api: ContinuumClient, self: string): Promise<Record<string, number>> {
  const { body } = await api.http.json<Partial<PeersAnswer>>('GET', PEERS_PATH);
  const peers = new Map<string, string>();
  for (const p of body.peers ?? []) if (p.site !== self) peers.set(p.site, p.address);
  return measurePeers(peers, 4);
}
