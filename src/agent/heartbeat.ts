// Writing the heartbeat into the Site's status, and finding the peers whose round-trip time the agent measures.
import { PEERS_PATH, type ContinuumClient, type PeersAnswer } from '../client/index.js';
import { isApiError, SiteKind, type Site, type SiteSpec } from '../model/index.js';
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

/** RTT in ms to every other site whose agent advertises an address (unreachable ones left out). */
export async function measureSiteLatencies(api: ContinuumClient, self: string): Promise<Record<string, number>> {
  const { body } = await api.http.json<Partial<PeersAnswer>>('GET', PEERS_PATH);
  const peers = new Map<string, string>();
  for (const p of body.peers ?? []) if (p.site !== self) peers.set(p.site, p.address);
  return measurePeers(peers, 4);
}
