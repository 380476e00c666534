// The shared fixtures are valid objects of their kind, with the one API version the server serves.
import { describe, expect, it } from 'vitest';
import { API_VERSION, kindByName, validateObject, type ResourceInput } from '../index.js';
import {
  application,
  component,
  deployment,
  namespace,
  provider,
  site,
  stored,
  userArea,
  workload,
} from './fixtures.js';

describe('fixtures', () => {
  it.each<[string, ResourceInput]>([
    ['namespace', namespace('team-a', { tier: 'gold' })],
    ['provider', provider('p1', { certifications: ['ISO27001'] })],
    ['user area', userArea('madrid')],
    ['site', site('mad-1', { labels: { a: 'b' }, country: 'PT', provider: 'p1', spec: { capacity: { cpu: 2 } } })],
    ['site with status', site('mad-2', { status: { conditions: [{ type: 'Ready', status: 'True' }] } })],
    ['application', application('team-a', 'shop', { components: [component('api', { ports: [{ name: 'http' }] })] })],
    ['deployment', deployment('team-a', 'shop', { areas: [{ area: 'madrid', replicas: 1 }] })],
    ['workload', workload('team-a', 'web', { siteName: 'mad-1', labels: { app: 'shop' } })],
    ['stored workload', stored(workload('team-a', 'web'), { generation: 3 })],
  ])('%s is valid', (_name, obj) => {
    expect(obj.apiVersion).toBe(API_VERSION);
    expect(validateObject(kindByName(obj.kind)!, obj)).toEqual([]);
  });

  it('stored() adds server-owned metadata without losing the given one', () => {
    expect(stored(workload('t', 'w', { labels: { a: 'b' } }), { resourceVersion: '7' }).metadata).toEqual({
      name: 'w',
      namespace: 't',
      labels: { a: 'b' },
      uid: 'uid-w',
      resourceVersion: '7',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    });
  });
});
