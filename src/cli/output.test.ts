// Column paths, tables and output formats of the CLI.
import { describe, expect, it } from 'vitest';
import { SiteKind, WorkloadKind, type AnyResource } from '../model/index.js';
import { age, readPath, renderObjects } from './output.js';

const obj = {
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Site',
  metadata: { name: 's1', uid: 'u', resourceVersion: '3', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    provider: 'p',
    category: 'cloud',
    location: { country: 'DE', city: 'Berlin', latitude: 1, longitude: 2 },
    capacity: { cpu: 4 },
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Other', status: 'False' },
    ],
    items: [{ name: 'a' }, { name: 'b' }],
  },
} as unknown as AnyResource;

describe('readPath', () => {
  it.each([
    ['spec.location.country', 'DE'],
    ['status.conditions[Ready].status', 'True'],
    ['status.conditions[1].type', 'Other'],
    ['status.items[*].name', ['a', 'b']],
    ['spec.missing.deep', undefined],
    ['status.conditions[Nope].status', undefined],
  ])('%s', (path, want) => expect(readPath(obj, path)).toEqual(want));
});

describe('age', () => {
  it.each([
    [5_000, '5s'],
    [150_000, '2m'],
    [3 * 3600_000, '3h'],
    [3 * 86400_000, '3d'],
  ])('%d ms → %s', (ms, want) =>
    expect(age('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:00Z') + ms)).toBe(want),
  );
});

describe('renderObjects', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  it("prints the kind's columns, wide ones only with -o wide", () => {
    const t = renderObjects(SiteKind, [obj], { now });
    expect(t.split('\n')[0]).toMatch(/^NAME\s+PROVIDER\s+CATEGORY\s+COUNTRY\s+CITY\s+READY\s+AGE$/);
    expect(t).toMatch(/s1\s+p\s+cloud\s+DE\s+Berlin\s+True\s+60s/);
    expect(renderObjects(SiteKind, [obj], { output: 'wide', now }).split('\n')[0]).toContain('CPU');
  });
  it('shows <none> for empty cells and NAMESPACE with -A on namespaced kinds', () => {
    const wl = {
      ...obj,
      kind: 'Workload',
      metadata: { ...obj.metadata, namespace: 'team' },
      spec: { component: 'web' },
      status: {},
    } as unknown as AnyResource;
    const t = renderObjects(WorkloadKind, [wl], { showNamespace: true, now });
    expect(t.split('\n')[0].startsWith('NAMESPACE')).toBe(true);
    expect(t).toContain('<none>');
  });
  it.each([
    ['yaml', /^apiVersion: continuum.eu\/v1alpha1/],
    ['json', /^\{\n {2}"apiVersion"/],
    ['name', /^site\/s1\n$/],
  ])('-o %s', (fmt, re) => {
    expect(renderObjects(SiteKind, [obj], { output: fmt })).toMatch(re);
  });
  it('rejects unknown formats', () =>
    expect(() => renderObjects(SiteKind, [obj], { output: 'xml' })).toThrow(/unknown output format/));
});
