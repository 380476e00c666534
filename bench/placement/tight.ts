// Small capacity-tight instances (≤ 500 replicas × 50 sites) for comparing batch placement with the HiGHS optimum.
import type { Category } from '../../src/model/index.js';
import { Prng } from '../../src/placement/prng.js';
import type { PlacementRequest, RequestComponent, SnapshotInput } from '../../src/placement/index.js';
import { CITIES } from './cities.js';
import { generateTopology } from './generator.js';

export interface TightOptions {
  sites: number;
  /** Number of replicas in the batch (single-replica components, plus a few spread pairs). */
  replicas: number;
  seed: number;
  /** Fraction of total free cpu the batch asks for. */
  tightness?: number;
}

export interface TightInstance {
  readonly input: SnapshotInput;
  readonly requests: PlacementRequest[];
  readonly name: string;
}

/**
 * Sites from the synthetic topology, made healthy and empty (so capacity is the binding constraint),
 * and a batch whose cpu demand is `tightness` (default 0.92) of the total: every deployment has one
 * component, about a fifth carry a latency bound to a city, a fifth a country list, a tenth ask for
 * two replicas spread over sites.
 */
export function tightInstance(opts: TightOptions): TightInstance {
  const rng = new Prng(opts.seed * 7919 + 13);
  const topo = generateTopology({ sites: opts.sites, seed: opts.seed, providers: 8 });
  const sites = topo.sites.map((s) => ({
    ...s,
    allocated: { cpu: 0, memory: 0, gpu: 0, storage: 0 },
    allocatable: { ...s.allocatable, cpu: 4000 + 1000 * rng.int(13), memory: 8192 + 2048 * rng.int(13), gpu: 0 },
    taints: [],
    ready: true,
    unschedulable: false,
    runtimes: ['process' as const],
  }));
  const totalCpu = sites.reduce((s, x) => s + x.allocatable.cpu, 0);
  const totalMem = sites.reduce((s, x) => s + x.allocatable.memory, 0);
  const target = opts.tightness ?? 0.92;
  const cpuEach = (totalCpu * target) / opts.replicas;
  const memEach = (totalMem * target * 0.9) / opts.replicas;
  const countries = [...new Set(sites.map((s) => s.country))];
  const requests: PlacementRequest[] = [];
  let made = 0;
  for (let i = 0; made < opts.replicas; i++) {
    const replicas = made + 2 <= opts.replicas && rng.next() < 0.1 ? 2 : 1;
    const q = (mean: number, step: number) => Math.max(step, Math.round((mean * rng.range(0.4, 1.6)) / step) * step);
    const kind = rng.next();
    const city = rng.pick(CITIES);
    const comp: RequestComponent = {
      name: 'c',
      runtime: 'process',
      resources: { cpu: q(cpuEach, 250), memory: q(memEach, 256), gpu: 0, storage: 0 },
      requirements: {
        ...(kind < 0.2
          ? {
              jurisdiction: {
                allowedCountries: [...new Set([rng.pick(countries), rng.pick(countries), rng.pick(countries)])],
              },
            }
          : {}),
        ...(replicas === 2 ? { spread: { sites: true } } : {}),
        ...(kind > 0.8 ? { categories: { allowed: ['cloud', 'metro-edge', 'near-edge'] as Category[] } } : {}),
      },
      tolerations: [],
      groups: [
        {
          ...(kind >= 0.2 && kind < 0.4 ? { area: city.name } : {}),
          replicas,
          latency: kind >= 0.2 && kind < 0.4 ? [{ area: city.name, maxMs: 40 }] : [],
        },
      ],
      exposed: true,
    };
    requests.push({ namespace: 'bench', name: `d${i}`, components: [comp] });
    made += replicas;
  }
  return { input: { ...topo, sites }, requests, name: `${opts.replicas}x${opts.sites}` };
}
