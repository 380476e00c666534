// Checks the bundled European topology against the acceptance properties and the ICRA category table.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, milliCpu, SiteKind, UserAreaKind, ProviderKind, validateObject, type Category } from '../model/index.js';
import { packageRoot } from '../lib/index.js';
import { defaultTopologyPath, loadTopology, type SiteObject } from './bundled.js';
import { greatCircleKm, modelRttMs } from './latency.js';

const topo = loadTopology();

/** EU member states (ISO 3166-1 alpha-2). */
const EU = new Set('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '));

/** Rough mainland bounding boxes [latMin, latMax, lonMin, lonMax], written independently of the topology. */
const BBOX: Record<string, [number, number, number, number]> = {
  AT: [46.3, 49.1, 9.5, 17.2],
  BE: [49.5, 51.5, 2.5, 6.4],
  CH: [45.8, 47.9, 5.9, 10.5],
  DE: [47.2, 55.1, 5.8, 15.1],
  ES: [35.9, 43.8, -9.4, 4.4],
  FI: [59.8, 70.1, 20.5, 31.6],
  FR: [41.3, 51.1, -5.2, 9.6],
  GB: [49.8, 60.9, -8.7, 1.8],
  IE: [51.4, 55.4, -10.5, -6.0],
  IT: [35.4, 47.1, 6.6, 18.6],
  NL: [50.7, 53.6, 3.3, 7.3],
  NO: [57.9, 71.2, 4.6, 31.1],
  PL: [49.0, 54.9, 14.1, 24.2],
  PT: [36.9, 42.2, -9.6, -6.1],
  SE: [55.3, 69.1, 11.0, 24.2],
};

/** ICRA seed table: power ceiling per site and the latency / distance class per category. */
const ICRA: Record<Category, { maxKW: number; maxMs?: number; maxKm?: number; minMs?: number; minKm?: number }> = {
  cloud: { maxKW: 50_000, minMs: 20, minKm: 1000 },
  'metro-edge': { maxKW: 15_000, maxMs: 20, maxKm: 1000 },
  'near-edge': { maxKW: 5_000, maxMs: 10, maxKm: 500 },
  'far-edge': { maxKW: 1_000, maxMs: 5, maxKm: 100 },
  'near-premise': { maxKW: 200, maxMs: 1, maxKm: 5 },
};

/** Generous IT power per unit, to check that a site's capacity fits inside its power envelope. */
const WATTS_PER_CORE = 8;
const WATTS_PER_GPU = 1000;

const inBox = (country: string, lat: number, lon: number): boolean => {
  const b = BBOX[country];
  return !!b && lat >= b[0] && lat <= b[1] && lon >= b[2] && lon <= b[3];
};

describe('bundled topology: acceptance', () => {
  const hqCountries = new Set(topo.providers.map((p) => p.spec.headquarters.country));
  it.each([
    ['at least 3 providers', topo.providers.length, 3],
    ['providers headquartered in at least 3 distinct EU countries', [...hqCountries].filter((c) => EU.has(c)).length, 3],
    ['at least 20 sites', topo.sites.length, 20],
    ['at least 10 user areas', topo.areas.length, 10],
    ['at least 2 non-EU sites', topo.sites.filter((s) => !EU.has(s.spec.location.country)).length, 2],
    ['at least 2 GPU sites', topo.sites.filter((s) => (s.spec.capacity.gpu ?? 0) > 0).length, 2],
    ['at least 2 sites in ES or PT', topo.sites.filter((s) => ['ES', 'PT'].includes(s.spec.location.country)).length, 2],
  ])('%s', (_what, actual, min) => {
    expect(actual).toBeGreaterThanOrEqual(min);
  });

  it.each([...CATEGORIES])('has %s sites', (category) => {
    expect(topo.sites.some((s) => s.spec.category === category)).toBe(true);
  });

  it('has user areas for madrid and lisbon (used by the examples)', () => {
    expect(topo.areas.map((a) => a.metadata.name)).toEqual(expect.arrayContaining(['madrid', 'lisbon']));
  });

  it('every provider validates and is headquartered in the EU', () => {
    for (const p of topo.providers) {
      expect(validateObject(ProviderKind, p)).toEqual([]);
      expect(EU.has(p.spec.headquarters.country), p.metadata.name).toBe(true);
    }
  });
});

describe.each(topo.sites.map((s) => [s.metadata.name, s] as [string, SiteObject]))('site %s', (_name, site) => {
  const { location, capacity, power } = site.spec;
  // SiteSpec.category is typed `never` by the model schema (array-mapped union), so name the type here.
  const category = site.spec.category as Category;
  it('validates against the Site schema', () => expect(validateObject(SiteKind, site)).toEqual([]));
  it('belongs to a known provider', () => expect(topo.providers.map((p) => p.metadata.name)).toContain(site.spec.provider));
  it('lies inside its country', () => expect(inBox(location.country, location.latitude, location.longitude)).toBe(true));
  it('names its city', () => expect(location.city).toBeTruthy());
  it('stays within the category power bound', () => {
    expect(power?.capacityKW).toBeGreaterThan(0);
    expect(power!.capacityKW!).toBeLessThanOrEqual(ICRA[category].maxKW);
    expect(power?.pue).toBeGreaterThanOrEqual(1);
  });
  it('fits its capacity into its power envelope', () => {
    const itKW = (milliCpu(capacity.cpu) / 1000) * WATTS_PER_CORE / 1000 + (capacity.gpu ?? 0) * WATTS_PER_GPU / 1000;
    expect(itKW).toBeLessThanOrEqual(power!.capacityKW! / power!.pue!);
  });
  it('runs the process runtime and has a price list', () => {
    expect(site.spec.runtimes).toContain('process');
    expect(site.spec.pricing?.cpuHour).toBeGreaterThan(0);
  });
  it('names the GPU model when it has GPUs', () => {
    if ((capacity.gpu ?? 0) > 0) expect(site.spec.gpuModel).toBeTruthy();
  });
});

describe('user areas', () => {
  it.each(topo.areas.map((a) => [a.metadata.name, a] as const))('%s validates, lies in its country, has a population', (_n, area) => {
    expect(validateObject(UserAreaKind, area)).toEqual([]);
    expect(inBox(area.spec.location.country, area.spec.location.latitude, area.spec.location.longitude)).toBe(true);
    expect(area.spec.population).toBeGreaterThan(100_000);
  });
});

describe('latency model vs the ICRA classes', () => {
  const nearest = (s: SiteObject) =>
    topo.areas
      .map((a) => ({ area: a.metadata.name, km: greatCircleKm(a.spec.location, s.spec.location), ms: modelRttMs(a.spec.location, s.spec.location, s.spec.category as Category) }))
      .sort((x, y) => x.km - y.km)[0];

  it.each(CATEGORIES.filter((c) => c !== 'cloud'))('some %s site meets its class for its nearest user area', (category) => {
    const { maxMs, maxKm } = ICRA[category];
    const ok = topo.sites.filter((s) => s.spec.category === category).map(nearest).filter((n) => n.ms <= maxMs! && n.km <= maxKm!);
    expect(ok.length, `${category} sites within ${maxMs} ms and ${maxKm} km of users`).toBeGreaterThan(0);
  });

  it('some cloud site serves a user area at least 1000 km away, at 20 ms or more', () => {
    const { minMs, minKm } = ICRA.cloud;
    const far = topo.sites
      .filter((s) => s.spec.category === 'cloud')
      .flatMap((s) => topo.areas.map((a) => ({ km: greatCircleKm(a.spec.location, s.spec.location), ms: modelRttMs(a.spec.location, s.spec.location, 'cloud') })))
      .filter((x) => x.km >= minKm!);
    expect(far.length).toBeGreaterThan(0);
    expect(far.every((x) => x.ms >= minMs!)).toBe(true);
  });

  it('prices edge sites above cloud sites per core-hour', () => {
    const cpu = (c: Category) => topo.sites.filter((s) => s.spec.category === c).map((s) => s.spec.pricing!.cpuHour!);
    const cloudMax = Math.max(...cpu('cloud'));
    for (const c of CATEGORIES.filter((x) => x !== 'cloud')) expect(Math.min(...cpu(c)), c).toBeGreaterThan(cloudMax);
  });
});

describe('topology file location', () => {
  it('resolves the bundled file from src/ and from dist/src/', () => {
    const root = packageRoot();
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(defaultTopologyPath()).toBe(join(root, 'topology', 'europe.yaml'));
    expect(packageRoot(join(root, 'dist', 'src', 'topology'))).toBe(root);
  });

  it('loads a relative path against the working directory', () => {
    const rel = relative(process.cwd(), defaultTopologyPath());
    expect(loadTopology(rel).sites.length).toBe(topo.sites.length);
  });
});
