// fast-check generators of small random continua and requests, covering every requirement the pipeline knows.
import fc from 'fast-check';
import { CATEGORIES, RUNTIMES } from '../../model/index.js';
import type { Category, Requirements, RuntimeKind, Toleration } from '../../model/index.js';
import type {
  AreaInput,
  PlacementRequest,
  ProviderInput,
  ReplicaGroup,
  RequestComponent,
  SiteInput,
  SnapshotInput,
} from '../types.js';
import { SCORER_NAMES } from '../pipeline.js';

const COUNTRIES = ['DE', 'FR', 'ES', 'PL', 'CH', 'SE'];
const PROVIDERS: ProviderInput[] = [
  { name: 'p-de', headquartersCountry: 'DE', certifications: ['ISO27001', 'EUCS-high'], attributes: { tier: 'gold' } },
  { name: 'p-fr', headquartersCountry: 'FR', certifications: ['ISO27001'], attributes: { tier: 'silver' } },
  { name: 'p-us', headquartersCountry: 'US', certifications: ['SOC2'] },
];
const AREAS: AreaInput[] = [
  { name: 'berlin', latitude: 52.52, longitude: 13.4, displayName: 'Berlin' },
  { name: 'madrid', latitude: 40.42, longitude: -3.7 },
  { name: 'warsaw', latitude: 52.23, longitude: 21.01 },
];

const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
/** Absent four times in five, so that combinations of requirements still leave feasible sites. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const amounts = (cpu: number, mem: number, gpu: number, storage: number) =>
  fc.record({
    cpu: fc.integer({ min: 0, max: cpu }),
    memory: fc.integer({ min: 0, max: mem }),
    gpu: fc.integer({ min: 0, max: gpu }),
    storage: fc.integer({ min: 0, max: storage }),
  });

const siteArb = (i: number): fc.Arbitrary<SiteInput> =>
  fc
    .record({
      category: fc.constantFrom(...CATEGORIES),
      country: fc.constantFrom(...COUNTRIES),
      latitude: fc.double({ min: 36, max: 60, noNaN: true }),
      longitude: fc.double({ min: -9, max: 25, noNaN: true }),
      provider: fc.constantFrom('p-de', 'p-fr', 'p-us', 'p-unknown'),
      allocatable: amounts(8000, 16384, 4, 200_000),
      used: fc.oneof(
        { arbitrary: fc.double({ min: 0, max: 0.7, noNaN: true }), weight: 4 },
        { arbitrary: fc.double({ min: 0.7, max: 1.1, noNaN: true }), weight: 1 },
      ),
      runtimes: fc
        .subarray([...RUNTIMES], { minLength: 1 })
        .map((r) => (r.includes('process') ? r : ['process' as const, ...r])),
      notReady: fc.integer({ min: 0, max: 9 }),
      maintenance: fc.integer({ min: 0, max: 19 }),
      tainted: fc.integer({ min: 0, max: 9 }),
      gpuModel: fc.constantFrom(undefined, 'A100', 'H100'),
      cpuHour: fc.double({ min: 0, max: 0.2, noNaN: true }),
      pue: fc.double({ min: 1, max: 2, noNaN: true }),
    })
    .map((r) => ({
      name: `site-${i}`,
      provider: r.provider,
      category: r.category,
      country: r.country,
      latitude: r.latitude,
      longitude: r.longitude,
      allocatable: r.allocatable,
      allocated: {
        cpu: Math.round(r.allocatable.cpu * r.used),
        memory: Math.round(r.allocatable.memory * r.used),
        gpu: Math.floor(r.allocatable.gpu * r.used),
        storage: 0,
      },
      runtimes: r.runtimes,
      ready: r.notReady !== 0,
      unschedulable: r.maintenance === 0,
      taints:
        r.tainted === 0
          ? [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }]
          : r.tainted === 1
            ? [{ key: 'noisy', effect: 'PreferNoSchedule' as const }]
            : [],
      ...(r.gpuModel ? { gpuModel: r.gpuModel } : {}),
      pricing: { cpuHour: r.cpuHour },
      pue: r.pue,
    }));

export const snapshotInputArb: fc.Arbitrary<SnapshotInput> = fc
  .integer({ min: 3, max: 24 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => siteArb(i))))
  .map((sites) => ({ sites, providers: PROVIDERS, areas: AREAS }));

const requirementsArb: fc.Arbitrary<Requirements> = fc
  .record({
    jurisdiction: rarely(
      fc.oneof(
        fc.record({ allowedCountries: fc.subarray(COUNTRIES, { minLength: 2 }) }),
        fc.record({ deniedCountries: fc.subarray(COUNTRIES, { maxLength: 2 }) }),
        fc.constant({ euOnly: true }),
      ),
    ),
    providerAttributes: rarely(
      fc.oneof(
        fc.constant({ headquartersEU: true }),
        fc.record({ certifications: fc.subarray(['ISO27001', 'EUCS-high'], { minLength: 1 }) }),
        fc.constant({ attributes: { tier: 'gold' } }),
        fc.constant({ headquartersCountries: ['DE', 'US'] }),
      ),
    ),
    categories: rarely(
      fc
        .record({ allowed: subset(CATEGORIES), preferred: subset(CATEGORIES) }, { requiredKeys: [] })
        .map((c) => c as { allowed?: Category[]; preferred?: Category[] }),
    ),
    spread: rarely(fc.record({ sites: fc.boolean(), providers: fc.boolean() }, { requiredKeys: [] })),
    // Every registered scorer, so a new one is covered without touching this file.
    weights: rarely(
      fc.record(Object.fromEntries(SCORER_NAMES.map((n) => [n, fc.integer({ min: 0, max: 100 })])), {
        requiredKeys: [],
      }),
    ),
    maxPricePerHour: rarely(fc.double({ min: 0, max: 0.5, noNaN: true })),
    maxCarbonIntensity: rarely(fc.integer({ min: 0, max: 1500 })),
  })
  .map((r) => defined(r) as Requirements);

const tolerationsArb: fc.Arbitrary<Toleration[]> = fc.subarray([
  { key: 'dedicated', operator: 'Exists' as const },
  { key: 'continuum.io/not-ready', operator: 'Exists' as const },
  { key: 'continuum.io/unschedulable', operator: 'Exists' as const },
  { key: 'noisy', operator: 'Exists' as const, effect: 'PreferNoSchedule' as const },
]);

const groupArb: fc.Arbitrary<ReplicaGroup> = fc
  .record({
    area: fc.constantFrom(undefined, 'berlin', 'madrid', 'warsaw', 'atlantis'),
    replicas: fc.integer({ min: 0, max: 3 }),
    latency: rarely(
      fc.array(
        fc.record({ area: fc.constantFrom('berlin', 'madrid', 'warsaw'), maxMs: fc.integer({ min: 4, max: 80 }) }),
        { minLength: 1, maxLength: 2 },
      ),
    ),
  })
  .map((g) => ({ ...(g.area ? { area: g.area } : {}), replicas: g.replicas, latency: g.latency ?? [] }));

const componentArb = (i: number, sites: number): fc.Arbitrary<RequestComponent> =>
  fc
    .record({
      runtime: fc.constantFrom<RuntimeKind>('process', 'process', 'process', ...RUNTIMES),
      resources: amounts(2000, 4096, 9, 2048).map((a) => ({ ...a, gpu: a.gpu === 9 ? 1 : 0 })),
      gpuModel: fc.constantFrom(undefined, 'A100'),
      requirements: requirementsArb,
      tolerations: rarely(tolerationsArb).map((t) => t ?? []),
      groups: fc.uniqueArray(groupArb, { minLength: 1, maxLength: 2, selector: (g) => g.area ?? '' }),
      pin: fc.integer({ min: -9 * sites, max: sites - 1 }),
    })
    .map((c) => ({
      name: `c${i}`,
      runtime: c.runtime,
      resources: c.resources,
      ...(c.gpuModel ? { gpuModel: c.gpuModel } : {}),
      requirements: c.requirements,
      tolerations: c.tolerations,
      groups: c.groups,
      ...(c.pin >= 0 ? { pinnedSite: `site-${c.pin}` } : {}),
      exposed: true,
    }));

export const requestArb = (sites: number, name = 'dep'): fc.Arbitrary<PlacementRequest> =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => componentArb(i, sites))))
    .map((components) => ({ namespace: 'tenant', name, components }));

/** A snapshot input with 1–4 requests against it. */
export const worldArb = snapshotInputArb.chain((input) =>
  fc.record({
    input: fc.constant(input),
    requests: fc
      .integer({ min: 1, max: 4 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => requestArb(input.sites.length, `dep-${i}`)))),
    seed: fc.nat(),
  }),
);
