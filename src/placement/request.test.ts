// Tests for buildRequest: requirement merging, overrides, replicas per area, latency targeting.
import { describe, expect, it } from 'vitest';
import type { ApplicationSpec, DeploymentSpec } from '../model/index.js';
import { buildRequest, mergeRequirements } from './request.js';

const app: ApplicationSpec = {
  components: [
    {
      name: 'web',
      artifact: { command: 'web' },
      ports: [{ name: 'http', expose: true }],
      resources: { cpu: '250m', memory: '256Mi' },
      replicas: 2,
    },
    {
      name: 'db',
      artifact: { command: 'db' },
      resources: { cpu: 1, memory: '1Gi', storage: '10Gi' },
      requirements: { jurisdiction: { allowedCountries: ['DE'] }, latency: [{ area: 'berlin', maxMs: 30 }] },
    },
    { name: 'worker', artifact: { command: 'w' } },
  ],
  requirements: {
    jurisdiction: { euOnly: true, deniedCountries: ['HU'] },
    latency: [
      { area: 'madrid', maxMs: 20 },
      { area: 'paris', maxMs: 25, component: 'worker' },
    ],
    weights: { price: 50 },
    tolerations: [{ key: 'a', operator: 'Exists' }],
  },
};

describe('buildRequest', () => {
  it('expands replicas per area and resolves latency per group', () => {
    const dep: DeploymentSpec = {
      application: 'shop',
      areas: [{ area: 'madrid' }, { area: 'berlin', replicas: 3 }],
      overrides: { worker: { replicas: 5, resources: { cpu: '2' } } },
      requirements: {
        latency: [{ area: 'madrid', maxMs: 10 }],
        weights: { carbon: 70 },
        tolerations: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'Exists' },
        ],
      },
      placement: { seed: 9, pinned: { db: 'site-1' } },
    };
    const r = buildRequest('shop-ns', 'shop-eu', app, dep);
    expect(r).toMatchObject({ namespace: 'shop-ns', name: 'shop-eu', seed: 9 });
    const [web, db, worker] = r.components;
    expect(web.groups).toEqual([
      { area: 'madrid', replicas: 2, latency: [{ area: 'madrid', maxMs: 10 }] },
      { area: 'berlin', replicas: 3, latency: [] },
    ]);
    expect(web.resources).toEqual({ cpu: 250, memory: 256, gpu: 0, storage: 0 });
    expect(web.exposed).toBe(true);
    expect(web.requirements.weights).toEqual({ price: 50, carbon: 70 });
    expect(web.tolerations).toEqual([
      { key: 'a', operator: 'Exists' },
      { key: 'b', operator: 'Exists' },
    ]);
    expect(db.groups).toEqual([
      { area: 'madrid', replicas: 1, latency: [] },
      { area: 'berlin', replicas: 3, latency: [{ area: 'berlin', maxMs: 30 }] },
    ]);
    expect(db.requirements.jurisdiction).toEqual({ euOnly: true, deniedCountries: ['HU'], allowedCountries: ['DE'] });
    expect(db.pinnedSite).toBe('site-1');
    expect(db.resources).toEqual({ cpu: 1000, memory: 1024, gpu: 0, storage: 10240 });
    // paris is not a deployment area: its bound applies to every worker replica.
    expect(worker.groups).toEqual([
      { area: 'madrid', replicas: 5, latency: [{ area: 'paris', maxMs: 25 }] },
      { area: 'berlin', replicas: 5, latency: [{ area: 'paris', maxMs: 25 }] },
    ]);
    expect(worker.resources).toEqual({ cpu: 2000, memory: 128, gpu: 0, storage: 0 });
  });

  it('without areas makes one area-less group per component with every bound', () => {
    const r = buildRequest('ns', 'd', app, { application: 'shop' });
    expect(r.components.map((c) => c.groups)).toEqual([
      [{ replicas: 2, latency: [{ area: 'madrid', maxMs: 20 }] }],
      [{ replicas: 1, latency: [{ area: 'berlin', maxMs: 30 }] }],
      [{ replicas: 1, latency: [{ area: 'paris', maxMs: 25 }] }],
    ]);
    expect(r.seed).toBeUndefined();
  });

  it('targets every component when none is exposed', () => {
    const plain: ApplicationSpec = {
      components: [
        { name: 'a', artifact: {} },
        { name: 'b', artifact: {} },
      ],
      requirements: { latency: [{ area: 'x', maxMs: 5 }] },
    };
    const r = buildRequest('ns', 'd', plain, { application: 'p' });
    expect(r.components.map((c) => c.groups[0].latency)).toEqual([
      [{ area: 'x', maxMs: 5 }],
      [{ area: 'x', maxMs: 5 }],
    ]);
  });
});

describe('mergeRequirements', () => {
  it.each([
    ['later scalar wins', [{ maxPricePerHour: 1 }, { maxPricePerHour: 2 }], { maxPricePerHour: 2 }],
    [
      'nested fields merge',
      [{ spread: { sites: true } }, { spread: { providers: true } }],
      { spread: { sites: true, providers: true } },
    ],
    [
      'provider attributes merge by key',
      [
        { providerAttributes: { attributes: { a: '1' }, headquartersEU: true } },
        { providerAttributes: { attributes: { b: '2' } } },
      ],
      { providerAttributes: { attributes: { a: '1', b: '2' }, headquartersEU: true } },
    ],
    [
      'categories override per field',
      [{ categories: { allowed: ['cloud'] as const } }, { categories: { preferred: ['cloud'] as const } }],
      { categories: { allowed: ['cloud'], preferred: ['cloud'] } },
    ],
    ['undefined layers are skipped', [undefined, { maxCarbonIntensity: 100 }, undefined], { maxCarbonIntensity: 100 }],
  ] as const)('%s', (_name, layers, expected) => {
    expect(mergeRequirements(...(layers as unknown as Parameters<typeof mergeRequirements>))).toEqual(expected);
  });
});
