// Builds the immutable Snapshot from plain inputs: normalises sites, derives carbon and tie-break data, builds the index.
import { RUNTIMES } from '../model/index.js';
import type { RuntimeKind } from '../model/index.js';
import { modelRttMs } from '../topology/latency.js';
import { siteCarbonIntensity, staticCarbonSource } from '../sustainability/index.js';
import { DEFAULT_PUE, REFERENCE_PRICING, ZERO } from './defaults.js';
import { hashString } from './prng.js';
import { buildSiteIndex, DEFAULT_LEAF_SIZE } from './site-index.js';
import type {
  Amounts,
  AreaInput,
  LatencyFn,
  Pricing,
  ProviderInput,
  SiteInput,
  Snapshot,
  SnapshotArea,
  SnapshotProvider,
  SnapshotSite,
  SnapshotInput,
} from './types.js';

/** The default latency: topology's fibre-distance model, which the index can bound exactly. */
export const modelledLatency: LatencyFn = (area, site) => modelRttMs(area, site, site.category);

/**
 * Latency from a matrix of measured round-trip times (area name → site name → ms), falling back to
 * the model where a pair is missing. Measured RTTs respect physics, so pair it with bound 'physics'.
 */
export function matrixLatency(
  matrix: Readonly<Record<string, Readonly<Record<string, number>>>>,
  fallback: LatencyFn = modelledLatency,
): LatencyFn {
  return (area, site) => matrix[area.name]?.[site.name] ?? fallback(area, site);
}

export const runtimeBit = (r: RuntimeKind): number => 1 << RUNTIMES.indexOf(r);

const freezeAmounts = (a: Amounts | undefined): Amounts =>
  a ? Object.freeze({ cpu: a.cpu ?? 0, memory: a.memory ?? 0, gpu: a.gpu ?? 0, storage: a.storage ?? 0 }) : ZERO;

function normalisePricing(p: Partial<Pricing> | undefined): Pricing {
  return Object.freeze({
    currency: p?.currency ?? REFERENCE_PRICING.currency,
    cpuHour: p?.cpuHour ?? REFERENCE_PRICING.cpuHour,
    memoryGiBHour: p?.memoryGiBHour ?? REFERENCE_PRICING.memoryGiBHour,
    gpuHour: p?.gpuHour ?? REFERENCE_PRICING.gpuHour,
    storageGiBHour: p?.storageGiBHour ?? REFERENCE_PRICING.storageGiBHour,
  });
}

/**
 * Creates a snapshot. Site, provider and area names must be unique (throws otherwise). The result and
 * everything reachable from it are frozen; the same input always yields the same snapshot and index.
 */
export function createSnapshot(input: SnapshotInput): Snapshot {
  const carbon = input.carbon ?? staticCarbonSource();
  const providers: SnapshotProvider[] = input.providers.map((p: ProviderInput, index) =>
    Object.freeze({
      index,
      name: p.name,
      headquartersCountry: p.headquartersCountry.toUpperCase(),
      certifications: Object.freeze([...(p.certifications ?? [])]),
      attributes: Object.freeze({ ...(p.attributes ?? {}) }),
      federated: p.federated ?? false,
    }),
  );
  const providerByName = uniqueMap(providers, 'provider');

  const sites: SnapshotSite[] = input.sites.map((s: SiteInput, index) => {
    const runtimes = Object.freeze([...(s.runtimes ?? ['process'])]) as readonly RuntimeKind[];
    const taints = Object.freeze((s.taints ?? []).map((t) => Object.freeze({ ...t })));
    const ready = s.ready ?? true;
    const unschedulable = s.unschedulable ?? false;
    const pue = s.pue ?? DEFAULT_PUE[s.category];
    const country = s.country.toUpperCase();
    const known = carbon.siteIntensity?.(s.name, country) ?? carbon.gridIntensity(country);
    const gridIntensity = known ?? carbon.fallback;
    const site: SnapshotSite = {
      index,
      name: s.name,
      provider: s.provider,
      ...(s.via !== undefined ? { via: s.via } : {}),
      providerIndex: providerByName.get(s.provider)?.index ?? -1,
      category: s.category,
      country,
      ...(s.city !== undefined ? { city: s.city } : {}),
      latitude: s.latitude,
      longitude: s.longitude,
      allocatable: freezeAmounts(s.allocatable),
      allocated: freezeAmounts(s.allocated),
      ...(s.gpuModel !== undefined ? { gpuModel: s.gpuModel } : {}),
      runtimes,
      runtimeMask: runtimes.reduce((m, r) => m | runtimeBit(r), 0),
      taints,
      unschedulable,
      ready,
      clean: ready && !unschedulable && !taints.some((t) => t.effect !== 'PreferNoSchedule'),
      pricing: normalisePricing(s.pricing),
      pue,
      gridIntensity,
      ...(known === undefined ? { gridIntensityAssumed: true } : {}),
      carbonIntensity: siteCarbonIntensity(carbon, country, pue, s.name),
      hash: hashString(s.name),
    };
    return Object.freeze(site);
  });
  const siteByName = uniqueMap(sites, 'site');

  const areas: SnapshotArea[] = input.areas.map((a: AreaInput, index) =>
    Object.freeze({
      index,
      name: a.name,
      latitude: a.latitude,
      longitude: a.longitude,
      ...(a.country !== undefined ? { country: a.country.toUpperCase() } : {}),
      label: a.displayName ?? a.name,
    }),
  );
  const areaByName = uniqueMap(areas, 'area');

  const latency = input.latency ?? { fn: modelledLatency, bound: 'model' as const };
  const index = buildSiteIndex(sites, providers.length, input.leafSize ?? DEFAULT_LEAF_SIZE);
  return Object.freeze({
    sites: Object.freeze(sites),
    providers: Object.freeze(providers),
    areas: Object.freeze(areas),
    ...(input.takenAt !== undefined ? { takenAt: input.takenAt } : {}),
    latencyBound: latency.bound,
    carbonSource: carbon.source,
    index,
    siteByName: (name: string) => siteByName.get(name),
    providerByName: (name: string) => providerByName.get(name),
    areaByName: (name: string) => areaByName.get(name),
    latencyMs: latency.fn,
  });
}

function uniqueMap<T extends { name: string }>(items: readonly T[], what: string): Map<string, T> {
  const m = new Map<string, T>();
  for (const item of items) {
    if (m.has(item.name)) throw new Error(`duplicate ${what} name ${JSON.stringify(item.name)} in snapshot`);
    m.set(item.name, item);
  }
  return m;
}
