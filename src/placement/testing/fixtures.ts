// Test helpers: compact builders for snapshots, components and requests.
import { createSnapshot } from '../snapshot.js';
import type {
  AreaInput,
  ProviderInput,
  RequestComponent,
  PlacementRequest,
  SiteInput,
  Snapshot,
  SnapshotInput,
  ReplicaGroup,
} from '../types.js';

export const AREAS: Record<string, AreaInput> = {
  berlin: { name: 'berlin', latitude: 52.52, longitude: 13.405, country: 'DE', displayName: 'Berlin' },
  madrid: { name: 'madrid', latitude: 40.4168, longitude: -3.7038, country: 'ES', displayName: 'Madrid' },
  paris: { name: 'paris', latitude: 48.8566, longitude: 2.3522, country: 'FR', displayName: 'Paris' },
  warsaw: { name: 'warsaw', latitude: 52.2297, longitude: 21.0122, country: 'PL', displayName: 'Warsaw' },
  stockholm: { name: 'stockholm', latitude: 59.3293, longitude: 18.0686, country: 'SE', displayName: 'Stockholm' },
};

export const PROVIDERS: ProviderInput[] = [
  {
    name: 'eu-cloud',
    headquartersCountry: 'DE',
    certifications: ['ISO27001', 'EUCS-high'],
    attributes: { tier: 'gold' },
  },
  { name: 'edge-telco', headquartersCountry: 'ES', certifications: ['ISO27001'] },
  { name: 'us-hyper', headquartersCountry: 'US', certifications: ['ISO27001', 'SOC2'] },
];

/** A site near a named area (default Berlin), 4 cores, 8 GiB, 100 GiB, near-edge, process runtime. */
export function site(name: string, over: Partial<SiteInput> & { near?: keyof typeof AREAS } = {}): SiteInput {
  const a = AREAS[over.near ?? 'berlin'];
  const { near: _near, ...rest } = over;
  return {
    name,
    provider: 'eu-cloud',
    category: 'near-edge',
    country: a.country ?? 'DE',
    latitude: a.latitude,
    longitude: a.longitude,
    allocatable: { cpu: 4000, memory: 8192, gpu: 0, storage: 102400 },
    ...rest,
  };
}

export function snap(
  sites: SiteInput[],
  opts: {
    providers?: ProviderInput[];
    areas?: AreaInput[];
    leafSize?: number;
    latency?: SnapshotInput['latency'];
  } = {},
): Snapshot {
  return createSnapshot({
    sites,
    providers: opts.providers ?? PROVIDERS,
    areas: opts.areas ?? Object.values(AREAS),
    ...(opts.leafSize !== undefined ? { leafSize: opts.leafSize } : {}),
    ...(opts.latency ? { latency: opts.latency } : {}),
  });
}

/** A component with one area-less group of `replicas` (default 1), 500m / 512 MiB. */
export function comp(name: string, over: Partial<RequestComponent> & { replicas?: number } = {}): RequestComponent {
  const { replicas, ...rest } = over;
  const groups: readonly ReplicaGroup[] = over.groups ?? [{ replicas: replicas ?? 1, latency: [] }];
  return {
    name,
    runtime: 'process',
    resources: { cpu: 500, memory: 512, gpu: 0, storage: 0 },
    requirements: {},
    tolerations: [],
    exposed: true,
    ...rest,
    groups,
  };
}

export function req(components: RequestComponent[], name = 'app', namespace = 'tenant'): PlacementRequest {
  return { namespace, name, components };
}
