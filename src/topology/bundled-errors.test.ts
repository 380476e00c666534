// Checks that a bad topology file fails with an error naming the document, its line and the field.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadTopology, parseTopology, TopologyError } from './bundled.js';

const provider = `apiVersion: continuum.eu/v1alpha1
kind: Provider
metadata: { name: acme }
spec: { legalName: Acme SE, headquarters: { country: DE } }
`;
const site = (over: Record<string, string> = {}): string => `apiVersion: ${over.apiVersion ?? 'continuum.eu/v1alpha1'}
kind: ${over.kind ?? 'Site'}
metadata: { name: ${over.name ?? 'acme-berlin'} }
spec:
  provider: ${over.provider ?? 'acme'}
  category: ${over.category ?? 'far-edge'}
  location: { country: DE, city: Berlin, latitude: ${over.latitude ?? '52.52'}, longitude: 13.40 }
  capacity: { cpu: ${over.cpu ?? '64'}, memory: 256Gi }${over.extra ?? ''}
`;
const doc = (...parts: string[]): string => parts.join('---\n');
/** 1-based line where the n-th document starts: every earlier document's lines plus its '---'. */
const startLine = (text: string, n: number): number =>
  text.split('---\n').slice(0, n - 1).reduce((line, part) => line + part.split('\n').length, 1);

describe('parseTopology', () => {
  it('accepts a small valid topology with a trailing empty document', () => {
    const t = parseTopology(doc(provider, site(), ''), 'mini.yaml');
    expect([t.providers.length, t.sites.length, t.areas.length]).toEqual([1, 1, 0]);
    expect(t.sites[0].spec.location.city).toBe('Berlin');
  });

  it.each([
    ['an out-of-range latitude', doc(provider, site({ latitude: '95' })), 2, 'spec.location.latitude', 7],
    ['a malformed quantity', doc(provider, site({ cpu: 'lots' })), 2, 'spec.capacity.cpu', 8],
    ['an unknown category', doc(provider, site({ category: 'edge' })), 2, 'spec.category', 6],
    ['an unknown field', doc(provider, site({ extra: '\n  colour: blue' })), 2, 'spec.colour', 9],
    ['a wrong apiVersion', doc(provider, site({ apiVersion: 'v1' })), 2, 'apiVersion', 1],
    ['a kind that does not belong in a topology', doc(provider, site({ kind: 'Deployment' })), 2, 'kind', 2],
    ['an unknown provider', doc(provider, site({ provider: 'nobody' })), 2, 'spec.provider', 5],
    ['a duplicate site', doc(provider, site(), site()), 3, 'metadata.name', 3],
  ])('rejects %s, naming the document and field', (_what, text, document, field, lineInDoc) => {
    let err: unknown;
    try {
      parseTopology(text, 'bad.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopologyError);
    const te = err as TopologyError;
    expect(te.code).toBe('Invalid');
    expect(te.document).toBe(document);
    expect(te.field).toBe(field);
    expect(te.message).toContain(`bad.yaml: document ${document}`);
    expect(te.message).toContain(`${field}: `);
    expect(te.line).toBe(startLine(text, document) + lineInDoc - 1);
  });

  it.each([
    ['YAML syntax', 'kind: [unclosed\n', /document 1 \(line \d+\): YAML syntax/],
    ['a scalar document', 'just a string\n', /document 1.*expected a mapping/],
  ])('rejects %s', (_what, text, pattern) => {
    expect(() => parseTopology(text, 'x.yaml')).toThrow(pattern);
  });
});

describe('loadTopology', () => {
  it('reports a missing file as NotFound', () => {
    const missing = join(tmpdir(), 'continuum-no-such-topology.yaml');
    expect(() => loadTopology(missing)).toThrow(/cannot read topology .*file not found/);
    try {
      loadTopology(missing);
    } catch (e) {
      expect((e as TopologyError).code).toBe('NotFound');
    }
  });
});
