// Zones offered to partners: own Sites described as EWBI zone details, reserved resources, quotas and flavours.
import { formatMilliCpu, mebibytes, milliCpu, SiteKind, type Resources, type Site } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { ComputeResourceInfo, Flavour, Status, ZoneDetails, ZoneRegisteredData } from '../ewbi/index.js';

/** Label of Sites that are themselves partner zones reached through a federation (never re-offered). */
export const VIA_FEDERATION_LABEL = 'continuum.eu/federation';
/** Label an operator sets to "false" to keep one of its sites out of federation offers. */
export const OFFER_LABEL = 'ewbi.continuum.eu/offer';

/** Whether a Site is offered to partners by default: own sites, not opted out, not unschedulable. */
export const offeredByDefault = (s: Site): boolean =>
  !s.metadata.labels?.[VIA_FEDERATION_LABEL] && s.metadata.labels?.[OFFER_LABEL] !== 'false' && !s.spec.unschedulable;

const ZONE_ID = /^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?$/;

/** The offered sites, by name (= zone id). */
export async function offeredSites(store: Store, offer: (s: Site) => boolean): Promise<Map<string, Site>> {
  const { items } = await store.list(SiteKind);
  return new Map(items.filter((s) => offer(s) && ZONE_ID.test(s.metadata.name)).map((s) => [s.metadata.name, s]));
}

const fixed4 = (n: number): string => String(Math.round(n * 10_000) / 10_000);

export function zoneDetails(s: Site): ZoneDetails {
  const l = s.spec.location;
  return {
    zoneId: s.metadata.name,
    geolocation: `${fixed4(l.latitude)},${fixed4(l.longitude)}`,
    geographyDetails: [l.city, l.country, s.spec.category].filter(Boolean).join(', '),
  };
}

/** EWBI zone status of a site: AVAILABLE while Ready, LOCKED when cordoned, else NOT_AVAILABLE. */
export function zoneStatus(s: Site | undefined): Status {
  if (!s) return 'NOT_AVAILABLE';
  if (s.spec.unschedulable) return 'LOCKED';
  const ready = s.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? 'AVAILABLE' : 'NOT_AVAILABLE';
}

const compute = (r: Resources): ComputeResourceInfo => ({
  cpuArchType: 'ISA_X86_64',
  numCPU: formatMilliCpu(Math.max(0, milliCpu(r.cpu ?? 0))),
  memory: Math.max(0, mebibytes(r.memory ?? 0)),
});

/** The flavours a zone supports: fixed shapes that fit the site's capacity (at least the smallest). */
export const FLAVOURS: ReadonlyArray<{ id: string; cpu: number; memoryMiB: number; storageGiB: number }> = [
  { id: 'small', cpu: 1, memoryMiB: 512, storageGiB: 1 },
  { id: 'medium', cpu: 2, memoryMiB: 2048, storageGiB: 10 },
  { id: 'large', cpu: 4, memoryMiB: 8192, storageGiB: 50 },
];

export function flavours(s: Site): Flavour[] {
  const cpu = milliCpu(s.spec.capacity.cpu ?? 0) / 1000;
  const mem = mebibytes(s.spec.capacity.memory ?? 0);
  const fit = FLAVOURS.filter((f, i) => i === 0 || (f.cpu <= cpu && f.memoryMiB <= mem));
  return fit.map((f) => ({
    flavourId: f.id,
    cpuArchType: 'ISA_X86_64',
    supportedOSTypes: [
      {
        architecture: 'x86_64',
        distribution: 'UBUNTU',
        version: 'OS_VERSION_UBUNTU_2204_LTS',
        license: 'OS_LICENSE_TYPE_FREE',
      },
    ],
    numCPU: f.cpu,
    memorySize: f.memoryMiB,
    storageSize: f.storageGiB,
  }));
}

/** Resources of a flavour as a native component request (undefined for an unknown flavour). */
export function flavourResources(id: string): Resources | undefined {
  const f = FLAVOURS.find((x) => x.id === id);
  return f ? { cpu: f.cpu, memory: `${f.memoryMiB}Mi` } : undefined;
}

/** Zone data of a subscribed zone: the federation's quota as reservation, the site's capacity as limit. */
export function zoneRegisteredData(s: Site, quota: Resources | undefined): ZoneRegisteredData {
  const cap = s.spec.allocatable ?? s.spec.capacity;
  const reserved = quota
    ? {
        cpu: Math.min(milliCpu(quota.cpu ?? 0), milliCpu(cap.cpu ?? 0)) / 1000,
        memory: `${Math.min(mebibytes(quota.memory ?? 0), mebibytes(cap.memory ?? 0))}Mi`,
      }
    : cap;
  return {
    zoneId: s.metadata.name,
    reservedComputeResources: [compute(reserved)],
    computeResourceQuotaLimits: [compute(quota ?? cap)],
    flavoursSupported: flavours(s),
  };
}
