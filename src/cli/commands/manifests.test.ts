// Reading manifests for apply/delete: multi-document YAML, directories, default namespace, dependency order.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from './manifests.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-manifests-'));
const doc = (kind: string, name: string, ns?: string): string =>
  `apiVersion: continuum.eu/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec: {}\n`;

describe('readManifests', () => {
  it('orders namespaces and infrastructure before the objects that need them, keeping file order otherwise', () => {
    const f = join(dir, 'all.yaml');
    writeFileSync(
      f,
      [doc('Deployment', 'd'), doc('Application', 'a'), doc('Namespace', 'team'), doc('Site', 's'), ''].join('---\n'),
    );
    const m = readManifests([f], 'team');
    expect(m.map((x) => `${x.object.kind}/${x.object.metadata.name}`)).toEqual([
      'Namespace/team',
      'Site/s',
      'Application/a',
      'Deployment/d',
    ]);
    expect(m.find((x) => x.object.kind === 'Application')!.object.metadata.namespace).toBe('team');
    expect(m.find((x) => x.object.kind === 'Site')!.object.metadata.namespace).toBeUndefined();
  });

  it('reads every .yaml/.yml/.json of a directory in name order and stdin for "-"', () => {
    const d = join(dir, 'd');
    mkdirSync(d);
    writeFileSync(join(d, 'b.yml'), doc('Application', 'b'));
    writeFileSync(
      join(d, 'a.json'),
      JSON.stringify({ apiVersion: 'continuum.eu/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: {} }),
    );
    writeFileSync(join(d, 'notes.txt'), 'ignored');
    expect(readManifests([d], 'x').map((x) => x.object.metadata.name)).toEqual(['a', 'b']);
    expect(readManifests(['-'], 'x', () => doc('Application', 'from-stdin'))[0].source).toBe('<stdin>');
  });

  it.each([
    ['broken YAML', 'a: [1', /document 1/],
    ['no kind', 'metadata: {name: x}\n', /kind and metadata.name/],
    ['unresolvable alias', 'a: *nope\n', /document 1/],
  ])('names the document on %s', (_n, text, re) => {
    const f = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(f, text);
    expect(() => readManifests([f], 'x')).toThrow(re);
  });

  it('fails clearly for a missing path', () =>
    expect(() => readManifests([join(dir, 'nope.yaml')], 'x')).toThrow(/no such file/));
});
