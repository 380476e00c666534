// Seeded synthetic European continuum (providers, sites around real cities, user areas) and a realistic request mix.
import type { Category, RuntimeKind, Taint } from '../../src/model/index.js';
import { Prng } from '../../src/placement/prng.js';
import type {
  AreaInput,
  PlacementRequest,
  ProviderInput,
  RequestComponent,
  SiteInput,
  SnapshotInput,
} from '../../src/placement/index.js';
import { CITIES } from './cities.js';
import type { City } from './cities.js';

const EU_HQ = ['DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'AT', 'BE', 'FI', 'IE', 'PT', 'DK', 'CZ'];
const OTHER_HQ = ['US', 'GB', 'CH', 'NO'];
const CERTS = ['ISO27001', 'EUCS-high', 'EUCS-substantial', 'C5', 'SOC2'];
const GPU_MODELS = ['A100', 'H100', 'L40S'];

interface CategoryProfile {
  share: number;
  jitterKm: number;
  cores: [number, number];
  gibPerCore: [number, number];
  gpuChance: number;
  gpus: [number, number];
  priceFactor: number;
  pue: [number, number];
}

const PROFILE: Record<Category, CategoryProfile> = {
  cloud: {
    share: 0.03,
    jitterKm: 150,
    cores: [256, 2048],
    gibPerCore: [4, 8],
    gpuChance: 0.4,
    gpus: [8, 64],
    priceFactor: 1,
    pue: [1.1, 1.3],
  },
  'metro-edge': {
    share: 0.12,
    jitterKm: 60,
    cores: [64, 256],
    gibPerCore: [4, 6],
    gpuChance: 0.2,
    gpus: [2, 8],
    priceFactor: 1.15,
    pue: [1.25, 1.5],
  },
  'near-edge': {
    share: 0.25,
    jitterKm: 40,
    cores: [32, 96],
    gibPerCore: [3, 5],
    gpuChance: 0.08,
    gpus: [1, 4],
    priceFactor: 1.3,
    pue: [1.35, 1.6],
  },
  'far-edge': {
    share: 0.4,
    jitterKm: 15,
    cores: [8, 32],
    gibPerCore: [2, 4],
    gpuChance: 0.02,
    gpus: [1, 2],
    priceFactor: 1.5,
    pue: [1.4, 1.8],
  },
  'near-premise': {
    share: 0.2,
    jitterKm: 4,
    cores: [4, 16],
    gibPerCore: [2, 4],
    gpuChance: 0,
    gpus: [0, 0],
    priceFactor: 1.8,
    pue: [1.5, 2],
  },
};

export interface TopologyOptions {
  sites: number;
  seed: number;
  providers?: number;
}

function weightedCity(rng: Prng, cities: readonly City[]): City {
  const total = cities.reduce((s, x) => s + x.weight, 0);
  let r = rng.next() * total;
  for (const x of cities) if ((r -= x.weight) < 0) return x;
  return cities[cities.length - 1];
}

function pickCategory(rng: Prng, allowed: readonly Category[]): Category {
  const total = allowed.reduce((s, c) => s + PROFILE[c].share, 0);
  let r = rng.next() * total;
  for (const c of allowed) if ((r -= PROFILE[c].share) < 0) return c;
  return allowed[allowed.length - 1];
}

/** A continuum of `sites` sites; the same options always give the same topology. */
export function generateTopology(opts: TopologyOptions): SnapshotInput {
  const rng = new Prng(opts.seed);
  const nProviders = opts.providers ?? Math.max(8, Math.min(60, Math.round(Math.sqrt(opts.sites))));
  const countries = [...new Set(CITIES.map((x) => x.country))];
  const providers: (ProviderInput & { countries: string[]; categories: Category[]; cpuHour: number })[] = [];
  for (let i = 0; i < nProviders; i++) {
    const kind = i % 3; // 0 telco (edges), 1 hoster (metro/near), 2 cloud (cloud/metro)
    const hq = rng.next() < 0.8 ? rng.pick(EU_HQ) : rng.pick(OTHER_HQ);
    const reach = kind === 2 ? 6 + rng.int(10) : 1 + rng.int(3);
    const cs = new Set([countries.includes(hq) ? hq : rng.pick(countries)]);
    while (cs.size < reach) cs.add(rng.pick(countries));
    providers.push({
      name: `prov-${String(i).padStart(2, '0')}`,
      headquartersCountry: hq,
      certifications: CERTS.filter(() => rng.next() < 0.45),
      attributes: { tier: rng.pick(['gold', 'silver', 'bronze']) },
      countries: [...cs],
      categories:
        kind === 0
          ? ['far-edge', 'near-edge', 'near-premise']
          : kind === 1
            ? ['metro-edge', 'near-edge', 'far-edge']
            : ['cloud', 'metro-edge'],
      cpuHour: rng.range(0.028, 0.05),
    });
  }
  const sites: SiteInput[] = [];
  for (let i = 0; i < opts.sites; i++) {
    const p = providers[rng.int(providers.length)];
    const city = weightedCity(
      rng,
      CITIES.filter((x) => p.countries.includes(x.country)),
    );
    const category = pickCategory(rng, p.categories);
    const prof = PROFILE[category];
    const dist = rng.next() * prof.jitterKm;
    const angle = rng.next() * 2 * Math.PI;
    const latitude = city.latitude + (dist * Math.cos(angle)) / 111;
    const longitude = city.longitude + (dist * Math.sin(angle)) / (111 * Math.cos((city.latitude * Math.PI) / 180));
    const cores = Math.round(rng.range(prof.cores[0], prof.cores[1]));
    const memory = Math.round(cores * rng.range(prof.gibPerCore[0], prof.gibPerCore[1])) * 1024;
    const gpu = rng.next() < prof.gpuChance ? Math.round(rng.range(prof.gpus[0], prof.gpus[1])) : 0;
    const used = rng.next() < 0.1 ? rng.range(0.9, 1) : rng.range(0, 0.8);
    const runtimes: RuntimeKind[] = ['process'];
    if (category !== 'near-premise' || rng.next() < 0.3) runtimes.push('container');
    if (category === 'cloud' || category === 'metro-edge' || rng.next() < 0.4) runtimes.push('kubernetes');
    if (rng.next() < 0.3) runtimes.push('function');
    const taints: Taint[] = rng.next() < 0.01 ? [{ key: 'dedicated', value: 'telco', effect: 'NoSchedule' }] : [];
    const j = () => rng.range(0.9, 1.1);
    sites.push({
      name: `${category}-${city.name}-${i}`,
      provider: p.name,
      category,
      country: city.country,
      city: city.name,
      latitude,
      longitude,
      allocatable: { cpu: cores * 1000, memory, gpu, storage: cores * 64 * 1024 },
      allocated: {
        cpu: Math.round(cores * 1000 * used),
        memory: Math.round(memory * used),
        gpu: Math.round(gpu * used * 0.8),
        storage: Math.round(cores * 64 * 1024 * used * 0.5),
      },
      ...(gpu > 0 ? { gpuModel: rng.pick(GPU_MODELS) } : {}),
      runtimes,
      taints,
      ready: rng.next() > 0.01,
      unschedulable: rng.next() < 0.005,
      pricing: {
        currency: 'EUR',
        cpuHour: p.cpuHour * prof.priceFactor * j(),
        memoryGiBHour: 0.005 * prof.priceFactor * j(),
        gpuHour: 1.4 * prof.priceFactor * j(),
        storageGiBHour: 0.0002 * j(),
      },
      pue: rng.range(prof.pue[0], prof.pue[1]),
    });
  }
  const areas: AreaInput[] = CITIES.map((x) => ({
    name: x.name,
    latitude: x.latitude,
    longitude: x.longitude,
    country: x.country,
    displayName: x.name,
  }));
  return { sites, providers: providers.map(({ countries: _c, categories: _k, cpuHour: _p, ...p }) => p), areas };
}

function component(name: string, over: Partial<RequestComponent>): RequestComponent {
  return {
    name,
    runtime: 'process',
    resources: { cpu: 500, memory: 512, gpu: 0, storage: 1024 },
    requirements: {},
    tolerations: [],
    groups: [{ replicas: 1, latency: [] }],
    exposed: true,
    ...over,
  };
}

/**
 * `count` requests in a realistic mix: 40 % latency-bound edge apps with areas of service, 25 %
 * sovereign apps (countries, EU providers, certifications, spread), 10 % GPU jobs, 25 % unconstrained
 * batch work weighted on price and carbon.
 */
export function generateRequests(count: number, seed: number, cities: readonly City[] = CITIES): PlacementRequest[] {
  const rng = new Prng(seed ^ 0x5eed);
  const out: PlacementRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rng.next();
    const components: RequestComponent[] = [];
    if (kind < 0.4) {
      const areas = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => weightedCity(rng, cities).name))];
      const maxMs = rng.pick([5, 8, 10, 15, 20]);
      const replicas = 1 + rng.int(2);
      components.push(
        component('api', {
          resources: { cpu: 250 + 250 * rng.int(4), memory: 256 * (1 + rng.int(4)), gpu: 0, storage: 1024 },
          runtime: rng.next() < 0.7 ? 'process' : 'container',
          requirements: { categories: rng.next() < 0.5 ? { preferred: ['far-edge', 'near-edge'] } : {} },
          groups: areas.map((a) => ({ area: a, replicas, latency: [{ area: a, maxMs }] })),
        }),
      );
      if (rng.next() < 0.5)
        components.push(
          component('db', {
            exposed: false,
            resources: { cpu: 1000, memory: 2048, gpu: 0, storage: 20480 },
            requirements: { jurisdiction: { euOnly: true } },
          }),
        );
    } else if (kind < 0.65) {
      const home = weightedCity(rng, cities).country;
      const allowed = [...new Set([home, ...Array.from({ length: rng.int(3) }, () => rng.pick(cities).country)])];
      components.push(
        component('svc', {
          resources: { cpu: 1000 * (1 + rng.int(4)), memory: 1024 * (1 + rng.int(8)), gpu: 0, storage: 10240 },
          runtime: 'kubernetes',
          requirements: {
            jurisdiction: rng.next() < 0.5 ? { allowedCountries: allowed } : { euOnly: true },
            providerAttributes:
              rng.next() < 0.5
                ? { headquartersEU: true, certifications: ['ISO27001'] }
                : { certifications: ['EUCS-high'] },
            categories: { allowed: ['cloud', 'metro-edge'] },
            spread: { sites: true },
          },
          groups: [{ replicas: 2 + rng.int(2), latency: [] }],
        }),
      );
    } else if (kind < 0.75) {
      components.push(
        component('train', {
          resources: { cpu: 8000, memory: 65536, gpu: 1 + rng.int(4), storage: 102400 },
          runtime: 'kubernetes',
          requirements: {
            jurisdiction: { euOnly: true },
            categories: { allowed: ['cloud', 'metro-edge'] },
            weights: { price: 60, carbon: 40, latency: 0 },
          },
        }),
      );
    } else {
      components.push(
        component('job', {
          resources: { cpu: 500 * (1 + rng.int(8)), memory: 1024 * (1 + rng.int(4)), gpu: 0, storage: 4096 },
          requirements: { weights: { price: 50, carbon: 50, balance: 20, latency: 0 } },
          groups: [{ replicas: 1 + rng.int(3), latency: [] }],
        }),
      );
    }
    out.push({ namespace: `tenant-${i % 7}`, name: `dep-${i}`, components });
  }
  return out;
}
