// Tests for buildSnapshot from stored objects: allocatable, allocated from workloads, readiness, areas, runtimes.
import { describe, expect, it } from 'vitest';
import { provider as providerFixture, site, stored, userArea, workload } from '../model/testing/index.js';
import { RUNTIMES } from '../model/index.js';
import type {
  Resource,
  RuntimeKind,
  SiteSpec,
  SiteStatus,
  UserAreaSpec,
  WorkloadSpec,
  WorkloadStatus,
} from '../model/index.js';
import { buildSnapshot, effectiveAllocatable, offeredRuntimes } from './build-snapshot.js';

function siteRes(
  name: string,
  spec: Partial<SiteSpec> = {},
  status: SiteStatus = { conditions: [{ type: 'Ready', status: 'True' }] },
  metaExtra = {},
): Resource<SiteSpec, SiteStatus> {
  return stored(
    site(name, {
      provider: 'p1',
      spec: {
        category: 'near-edge',
        location: { country: 'DE', latitude: 52.5, longitude: 13.4 },
        capacity: { cpu: 8, memory: '16Gi', storage: '100Gi' },
        ...spec,
      },
      status,
    }),
    metaExtra,
  );
}

function wl(
  name: string,
  siteName: string | undefined,
  resources: WorkloadSpec['resources'],
  phase?: WorkloadStatus['phase'],
  restartPolicy?: WorkloadSpec['restartPolicy'],
): Resource<WorkloadSpec, WorkloadStatus> {
  return stored(
    workload('t', name, {
      siteName,
      spec: {
        component: 'c',
        artifact: {},
        ...(resources ? { resources } : {}),
        ...(restartPolicy ? { restartPolicy } : {}),
      },
      ...(phase ? { status: { phase } } : {}),
    }),
  );
}

const provider = stored(
  providerFixture('p1', {
    legalName: 'P1 GmbH',
    headquarters: { country: 'DE' },
    certifications: ['ISO27001'],
    attributes: { tier: 'gold' },
  }),
);
const area = stored(
  userArea('berlin', { location: { country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.4 } }),
) as Resource<UserAreaSpec, Record<string, unknown>>;

describe('buildSnapshot', () => {
  it('sums resources of workloads that still hold them', () => {
    const s = buildSnapshot({
      sites: [siteRes('a'), siteRes('b')],
      providers: [provider],
      areas: [area],
      now: '2026-06-01T00:00:00Z',
      workloads: [
        wl('w1', 'a', { cpu: '500m', memory: '1Gi' }, 'Running'),
        wl('w2', 'a', { cpu: 1, gpu: 0, storage: '1Gi' }, 'Pending'),
        wl('w3', 'a', undefined, 'Scheduled'),
        wl('w4', 'a', { cpu: 4 }, 'Terminated'),
        wl('w5', 'a', { cpu: 4 }, 'Failed', 'Never'),
        wl('w6', 'a', { cpu: '250m' }, 'Failed', 'Always'),
        wl('w7', undefined, { cpu: 4 }),
        wl('w8', 'b', { memory: '512Mi' }),
      ],
    });
    expect(s.siteByName('a')!.allocated).toEqual({
      cpu: 500 + 1000 + 100 + 250,
      memory: 1024 + 128,
      gpu: 0,
      storage: 1024,
    });
    expect(s.siteByName('b')!.allocated).toEqual({ cpu: 0, memory: 512, gpu: 0, storage: 0 });
    expect(s.takenAt).toBe('2026-06-01T00:00:00Z');
    expect(s.providerByName('p1')).toMatchObject({
      headquartersCountry: 'DE',
      certifications: ['ISO27001'],
      attributes: { tier: 'gold' },
    });
    expect(s.areaByName('berlin')!.label).toBe('Berlin');
  });

  it.each<[string, Resource<SiteSpec, SiteStatus>, { ready: boolean; unschedulable: boolean }, number | undefined]>([
    ['Ready True', siteRes('x'), { ready: true, unschedulable: false }, undefined],
    [
      'Ready False',
      siteRes('x', {}, { conditions: [{ type: 'Ready', status: 'False' }] }),
      { ready: false, unschedulable: false },
      undefined,
    ],
    ['no conditions', siteRes('x', {}, {}), { ready: false, unschedulable: false }, undefined],
    ['maintenance', siteRes('x', { unschedulable: true }), { ready: true, unschedulable: true }, undefined],
    [
      'being deleted',
      siteRes('x', {}, undefined, { deletionTimestamp: '2026-01-02T00:00:00Z' }),
      { ready: true, unschedulable: true },
      undefined,
    ],
    [
      'stale heartbeat',
      siteRes('x', {}, { conditions: [{ type: 'Ready', status: 'True' }], lastHeartbeatTime: '2026-06-01T00:00:00Z' }),
      { ready: false, unschedulable: false },
      60,
    ],
    [
      'fresh heartbeat',
      siteRes('x', {}, { conditions: [{ type: 'Ready', status: 'True' }], lastHeartbeatTime: '2026-06-01T00:09:30Z' }),
      { ready: true, unschedulable: false },
      60,
    ],
  ])('readiness: %s', (_name, res, expected, timeout) => {
    const s = buildSnapshot({
      sites: [res],
      providers: [provider],
      areas: [],
      workloads: [],
      now: new Date('2026-06-01T00:10:00Z'),
      ...(timeout !== undefined ? { heartbeatTimeoutSeconds: timeout } : {}),
    });
    expect({ ready: s.sites[0].ready, unschedulable: s.sites[0].unschedulable }).toEqual(expected);
  });

  it.each<[string, Partial<SiteSpec>, SiteStatus | undefined, object]>([
    ['capacity when nothing else', {}, undefined, { cpu: 8000, memory: 16384, gpu: 0, storage: 102400 }],
    [
      'declared allocatable per dimension, else capacity',
      { allocatable: { cpu: 6 } },
      undefined,
      { cpu: 6000, memory: 16384, gpu: 0, storage: 102400 },
    ],
    [
      'measured lowers declared',
      {},
      { allocatable: { cpu: 4, memory: '32Gi' } },
      { cpu: 4000, memory: 16384, gpu: 0, storage: 102400 },
    ],
    [
      'gpu from capacity',
      { capacity: { cpu: 8, memory: '16Gi', gpu: 4 } },
      { allocatable: { gpu: 2 } },
      { cpu: 8000, memory: 16384, gpu: 2, storage: 0 },
    ],
  ])('allocatable: %s', (_name, spec, status, expected) => {
    expect(effectiveAllocatable(siteRes('x', spec).spec, status)).toEqual(expected);
  });
});

describe('offered runtimes', () => {
  const detected = (available: RuntimeKind[]): SiteStatus['runtimes'] =>
    RUNTIMES.map((name) =>
      available.includes(name) ? { name, available: true } : { name, available: false, reason: `no ${name}` },
    );
  it.each<[string, RuntimeKind[] | undefined, SiteStatus['runtimes'], RuntimeKind[]]>([
    ['no agent report, no restriction: process', undefined, undefined, ['process']],
    ['no agent report: the declared list', ['process', 'kubernetes'], undefined, ['process', 'kubernetes']],
    ['detected, no restriction', undefined, detected(['process', 'container']), ['process', 'container']],
    [
      'detected within the declared list',
      ['container', 'kubernetes'],
      detected(['process', 'container']),
      ['container'],
    ],
    ['declared but not detected: nothing', ['kubernetes'], detected(['process']), []],
    ['agent found nothing', undefined, detected([]), []],
  ])('%s', (_name, runtimes, reported, expected) => {
    const spec = siteRes('x', runtimes ? { runtimes } : {}).spec;
    expect(offeredRuntimes(spec, reported ? { runtimes: reported } : undefined)).toEqual(expected);
    const s = buildSnapshot({
      sites: [
        siteRes('x', runtimes ? { runtimes } : {}, { conditions: [], ...(reported ? { runtimes: reported } : {}) }),
      ],
      providers: [],
      areas: [],
      workloads: [],
      now: '2026-06-01T00:00:00Z',
    });
    expect(s.siteByName('x')!.runtimes).toEqual(expected);
  });
});
