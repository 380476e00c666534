// Partner zones as local inventory: one Site of the partner Provider per accepted zone, marked with the federation.
import { createHash } from 'node:crypto';
import {
  API_VERSION,
  type ProviderSpec,
  type ResourceInput,
  type Site,
  type SiteSpec,
  type SiteStatus,
} from '../../model/index.js';
import {
  FEDERATION_LABEL,
  ZONE_LABEL,
  ZONE_STATUS_ANNOTATION,
  type Federation,
  type FederationZone,
  type ZoneStatus,
} from './kinds.js';

/** Site name of a partner zone: `<federation>-<zone>`, shortened with a hash when longer than a name may be. */
export function zoneSiteName(federation: string, zoneId: string): string {
  const full = `${federation}-${zoneId}`;
  if (full.length <= 63) return full;
  const h = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 54).replace(/-+$/, '')}-${h}`;
}

/** "lat,lon" (the spec's GeoLocation) → numbers; undefined when malformed or out of range. */
export function parseGeolocation(g: string | undefined): { latitude: number; longitude: number } | undefined {
  const m = /^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$/.exec(g ?? '');
  if (!m) return undefined;
  const latitude = Number(m[1]);
  const longitude = Number(m[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return { latitude, longitude };
}

/** The spec's Vcpu ("2", "0.5", "500m") as a Continuum cpu quantity; undefined when malformed. */
export function vcpuQuantity(v: unknown): string | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  return /^\d+((\.\d{1,3})|m)?$/.test(s) ? s : undefined;
}

/** A country code the zone's free-text geography names ("Munich, DE, far-edge"), when it names exactly one. */
export function zoneCountry(zone: FederationZone): string | undefined {
  const codes = [...new Set((zone.geographyDetails ?? '').match(/\b[A-Z]{2}\b/g) ?? [])];
  return codes.length === 1 ? codes[0] : undefined;
}

/** Desired Provider object for the partner (only created when absent; an existing one is left as the admin wrote it). */
export function partnerProvider(fed: Federation): ResourceInput<ProviderSpec> {
  const country = fed.status?.partnerCountry ?? fed.spec.partner.country ?? 'EU';
  return {
    apiVersion: API_VERSION,
    kind: 'Provider',
    metadata: { name: fed.spec.partner.provider, labels: { [FEDERATION_LABEL]: fed.metadata.name } },
    spec: {
      legalName: fed.spec.partner.legalName ?? fed.spec.partner.provider,
      headquarters: { country: /^[A-Z]{2}$/.test(country) ? country : 'EU' },
      federated: true,
    },
  };
}

/** Workload networks of partner zones: the federation's, else the partner endpoint's host when it is an IP. */
function workloadNetworks(fed: Federation): string[] | undefined {
  if (fed.spec.sites?.workloadNetworks) return fed.spec.sites.workloadNetworks;
  const host = new URL(fed.spec.partner.endpoint).hostname.replace(/^\[|\]$/g, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return [`${host}/32`];
  if (host.includes(':')) return [`${host}/128`];
  if (host === 'localhost') return ['127.0.0.1/32'];
  return undefined;
}

/** The Site standing for one accepted zone (spec and marks; status is the site health controller's). */
export function zoneSite(fed: Federation, zone: FederationZone): ResourceInput<SiteSpec, SiteStatus> | undefined {
  const at = parseGeolocation(zone.geolocation);
  if (!at) return undefined;
  const country = zoneCountry(zone) ?? fed.status?.partnerCountry ?? fed.spec.partner.country;
  if (!country) return undefined;
  const city = zone.geographyDetails?.split(',')[0]?.trim().slice(0, 128);
  const spec: SiteSpec = {
    provider: fed.spec.partner.provider,
    category: fed.spec.sites?.category ?? 'near-edge',
    location: {
      country,
      ...(city ? { city } : {}),
      latitude: at.latitude,
      longitude: at.longitude,
    },
    capacity: { cpu: zone.reserved?.cpu ?? '4', memory: zone.reserved?.memory ?? '8Gi' },
    runtimes: fed.spec.sites?.runtimes ?? ['process', 'container'],
    ...(fed.spec.terms?.pricing ? { pricing: fed.spec.terms.pricing } : {}),
    ...(zone.status && zone.status !== 'AVAILABLE' ? { unschedulable: true } : {}),
  };
  const nets = workloadNetworks(fed);
  if (nets) spec.workloadNetworks = nets;
  return {
    apiVersion: API_VERSION,
    kind: 'Site',
    metadata: {
      name: zoneSiteName(fed.metadata.name, zone.zoneId),
      labels: { [FEDERATION_LABEL]: fed.metadata.name, [ZONE_LABEL]: zone.zoneId },
      annotations: { [ZONE_STATUS_ANNOTATION]: zone.status ?? 'AVAILABLE' },
    },
    spec,
  };
}

/** The federation a Site comes through, when it stands for a partner zone. */
export const federationOfSite = (s: Site | undefined): string | undefined => s?.metadata.labels?.[FEDERATION_LABEL];

export const isZoneStatus = (s: unknown): s is ZoneStatus =>
  s === 'AVAILABLE' || s === 'NOT_AVAILABLE' || s === 'TEMPORARY_FAILURE' || s === 'LOCKED' || s === 'FAILED';
