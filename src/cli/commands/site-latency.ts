// What `describe site` may call measured latency: round-trips over loopback (agents on one host) are not site latency.
import type { Site } from '../../model/index.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[?::1\]?|localhost)(:\d+)?$/i;

/** True when an agent's probe address ("host:port") is on the loopback interface. */
export const isLoopbackAddress = (address: string | undefined): boolean => !!address && LOOPBACK.test(address);

/**
 * The site with `status.latencyMs` limited to real measurements, and a note on what was left out: an RTT to a
 * peer probed on a loopback address (both agents on one host, e.g. `continuum up`) measures the host, not the
 * network between the two sites.
 */
export function measuredLatency(site: Site, peers: Site[]): { site: Site; note?: string } {
  const rtts = site.status?.latencyMs;
  if (!rtts || !Object.keys(rtts).length) return { site };
  const addressOf = new Map(peers.map((p) => [p.metadata.name, p.status?.agent?.address]));
  const mine = isLoopbackAddress(site.status?.agent?.address);
  const loopback = Object.keys(rtts).filter((peer) => mine || isLoopbackAddress(addressOf.get(peer)));
  if (!loopback.length) return { site };
  const kept = Object.fromEntries(Object.entries(rtts).filter(([peer]) => !loopback.includes(peer)));
  const { latencyMs: _all, ...status } = site.status!;
  return {
    site: { ...site, status: { ...status, ...(Object.keys(kept).length ? { latencyMs: kept } : {}) } },
    note:
      `Latency:       ${loopback.length} peer round-trip(s) not shown: probed over loopback (agents on one host), ` +
      'so they measure this host, not the network between sites; placement uses the latency model.\n',
  };
}
