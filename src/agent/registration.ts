// Register or adopt: find the agent's Site on the control plane, creating it from a declared spec when absent.
import type { ContinuumClient } from '../client/index.js';
import {
  API_VERSION,
  ApiError,
  isApiError,
  SiteKind,
  type ResourceInput,
  type Site,
  type SiteSpec,
  type SiteStatus,
} from '../model/index.js';

/**
 * Returns the Site object for `site`. An existing Site is adopted as it is (its spec is never changed
 * by the agent); an absent one is created from `siteSpec`, or the call fails with NotFound saying how to fix it.
 */
export async function registerSite(
  client: ContinuumClient,
  site: string,
  siteSpec?: SiteSpec,
): Promise<{ site: Site; created: boolean }> {
  const existing = await client.tryGet(SiteKind, undefined, site);
  if (existing) return { site: existing, created: false };
  if (!siteSpec) {
    throw new ApiError(
      'NotFound',
      `site ${JSON.stringify(site)} does not exist on ${client.http.opts.server}: create it first (continuum apply -f site.yaml) ` +
        'or give the agent --provider, --category, --country, --lat, --lon, --cpu and --memory to create it',
    );
  }
  try {
    const input: ResourceInput<SiteSpec, SiteStatus> = {
      apiVersion: API_VERSION,
      kind: SiteKind.kind,
      metadata: { name: site },
      spec: siteSpec,
    };
    const created = await client.create(input);
    return { site: created, created: true };
  } catch (e) {
    if (!isApiError(e, 'AlreadyExists')) throw e;
    return { site: await client.get(SiteKind, undefined, site), created: false };
  }
}
