// Property-based robustness: thousands of bad requests, every answer a 4xx problem+json naming the field.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { namespaceAdmission } from '../controllers/index.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';

const auth = { authorization: 'Bearer t' };
const BASE = `/apis/${API_VERSION}`;
let app: FastifyInstance;
let store: Store;

const SAMPLES: Array<{ path: string; obj: Record<string, any> }> = [
  {
    path: `${BASE}/sites`,
    obj: {
      apiVersion: API_VERSION,
      kind: 'Site',
      metadata: { name: 's1', labels: { a: 'b' } },
      spec: {
        provider: 'p',
        category: 'cloud',
        location: { country: 'DE', city: 'Berlin', latitude: 52.5, longitude: 13.4 },
        capacity: { cpu: 8, memory: '16Gi', gpu: 1 },
        pricing: { cpuHour: 0.1 },
        taints: [{ key: 'k', effect: 'NoSchedule' }],
      },
    },
  },
  {
    path: `${BASE}/providers`,
    obj: {
      apiVersion: API_VERSION,
      kind: 'Provider',
      metadata: { name: 'p1' },
      spec: { legalName: 'P', headquarters: { country: 'FR' }, certifications: ['ISO27001'] },
    },
  },
  {
    path: `${BASE}/namespaces/default/applications`,
    obj: {
      apiVersion: API_VERSION,
      kind: 'Application',
      metadata: { name: 'a1', namespace: 'default' },
      spec: {
        components: [
          {
            name: 'web',
            artifact: { command: 'node', args: ['x.mjs'] },
            ports: [{ name: 'http', expose: true }],
            resources: { cpu: '100m' },
            connections: [{ to: 'db' }],
            healthCheck: { http: { path: '/healthz' } },
          },
        ],
        requirements: { latency: [{ area: 'madrid', maxMs: 10 }], jurisdiction: { euOnly: true } },
      },
    },
  },
  {
    path: `${BASE}/namespaces/default/deployments`,
    obj: {
      apiVersion: API_VERSION,
      kind: 'Deployment',
      metadata: { name: 'd1', namespace: 'default' },
      spec: { application: 'a1', areas: [{ area: 'madrid', replicas: 2 }] },
    },
  },
  {
    path: `${BASE}/userareas`,
    obj: {
      apiVersion: API_VERSION,
      kind: 'UserArea',
      metadata: { name: 'u1' },
      spec: { location: { country: 'ES', latitude: 40, longitude: -3 } },
    },
  },
];

type Mutation = { kind: 'type' | 'unknown' | 'delete'; path: string[] };

/** Every path inside the object, with whether its parent is an object node. */
function paths(o: unknown, prefix: string[] = []): string[][] {
  if (o === null || typeof o !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(o)) out.push(...paths(v, [...prefix, k]));
  return out;
}

const fieldOf = (p: string[]): string =>
  p
    .map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');

function mutate(obj: Record<string, any>, m: Mutation): { body: Record<string, any>; expect: string } {
  const body = structuredClone(obj);
  const parentPath = m.path.slice(0, -1);
  const key = m.path[m.path.length - 1];
  const parent = parentPath.reduce((o: any, k) => o[k], body);
  if (m.kind === 'type') {
    const v = parent[key];
    parent[key] = Array.isArray(v) ? 'not-an-array' : v !== null && typeof v === 'object' ? [1, 2] : { bogus: [true] };
    return { body, expect: fieldOf(m.path) };
  }
  if (m.kind === 'unknown') {
    const target = m.path.reduce((o: any, k) => o[k], body);
    if (target && typeof target === 'object' && !Array.isArray(target) && !['labels', 'annotations'].includes(key)) {
      target.zzUnknownField = 1;
      return { body, expect: fieldOf([...m.path, 'zzUnknownField']) };
    }
    parent[key] = { bogus: [true] };
    return { body, expect: fieldOf(m.path) };
  }
  delete parent[key];
  return { body, expect: fieldOf(m.path) };
}

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }), { admission: [namespaceAdmission] });
  await store.create((await import('../model/index.js')).NamespaceKind, {
    apiVersion: API_VERSION,
    kind: 'Namespace',
    metadata: { name: 'default' },
  });
  app = await createApiServer({ store, security: new StaticTokenSecurity('t'), version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

async function expectProblem(
  res: { statusCode: number; headers: Record<string, any>; body: string },
  field?: string,
): Promise<void> {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const p = JSON.parse(res.body);
  expect(p.status).toBe(res.statusCode);
  expect(p.code).toBeTypeOf('string');
  expect(Array.isArray(p.errors) && p.errors.length > 0, `problem names no field: ${res.body}`).toBe(true);
  if (field !== undefined) {
    const fields: string[] = p.errors.map((e: { field: string }) => e.field);
    // The reported field is the mutated path, or a prefix of it (a union or parent that no longer matches).
    expect(
      fields.some(
        (f) =>
          f === field ||
          field.startsWith(`${f}.`) ||
          field.startsWith(`${f}[`) ||
          f.startsWith(`${field}.`) ||
          f.startsWith(`${field}[`),
      ),
      `${field} not in ${fields.join(', ')}`,
    ).toBe(true);
  }
}

describe('API robustness (property-based)', () => {
  it('invalid objects: wrong types, unknown fields, missing required fields (600 runs)', async () => {
    const arb = fc.integer({ min: 0, max: SAMPLES.length - 1 }).chain((i) => {
      const all = paths(SAMPLES[i].obj).filter(
        (p) => p[0] !== 'apiVersion' && p[0] !== 'kind' && !(p[0] === 'metadata' && p.length === 1),
      );
      const required = all.filter(
        (p) => p.join('.') !== 'metadata.labels' && (p[0] !== 'metadata' || p[1] === 'name') && p.length > 0,
      );
      return fc.record({
        i: fc.constant(i),
        m: fc.oneof(
          fc.constantFrom(...all).map((path) => ({ kind: 'type' as const, path })),
          fc.constantFrom(...all.filter((p) => p.length >= 1)).map((path) => ({ kind: 'unknown' as const, path })),
          fc
            .constantFrom(
              ...required.filter(
                (p) =>
                  ['spec', 'metadata'].includes(p[0]) &&
                  [
                    'name',
                    'provider',
                    'category',
                    'location',
                    'capacity',
                    'legalName',
                    'headquarters',
                    'components',
                    'artifact',
                    'application',
                    'country',
                    'latitude',
                    'longitude',
                    'area',
                    'maxMs',
                    'to',
                    'path',
                    'key',
                    'effect',
                  ].includes(p[p.length - 1]),
              ),
            )
            .map((path) => ({ kind: 'delete' as const, path })),
        ),
      });
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ i, m }) => {
        const { body, expect: field } = mutate(SAMPLES[i].obj, m);
        const res = await app.inject({ method: 'POST', url: SAMPLES[i].path, headers: auth, payload: body });
        await expectProblem(res, field);
      }),
      { numRuns: 600, seed: 42 },
    );
  });

  it('malformed JSON and YAML bodies (250 runs)', async () => {
    const valid = JSON.stringify(SAMPLES[0].obj);
    const arb = fc.oneof(
      fc.integer({ min: 1, max: valid.length - 1 }).map((n) => ({ ct: 'application/json', body: valid.slice(0, n) })),
      fc
        .string({ minLength: 1, maxLength: 200 })
        .filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        })
        .map((s) => ({ ct: 'application/json', body: s })),
      fc
        .constantFrom(
          'a: [1, 2',
          'a: {b: 1',
          'key: "unterminated',
          '- a\n b: c',
          'a: 1\na: 2',
          ': :',
          '{{}}',
          'a: *nope',
          '\t- x',
        )
        .map((s) => ({ ct: 'application/yaml', body: s })),
      fc.constantFrom('[1,2,3]', '"a string"', '42', 'null', 'true').map((s) => ({ ct: 'application/json', body: s })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ ct, body }) => {
        const res = await app.inject({
          method: 'POST',
          url: `${BASE}/sites`,
          headers: { ...auth, 'content-type': ct },
          payload: body,
        });
        await expectProblem(res);
      }),
      { numRuns: 250, seed: 7 },
    );
  });

  it('bad selectors, query parameters and paths (250 runs)', async () => {
    const arb = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => `${BASE}/sites?labelSelector=${encodeURIComponent(s)}`),
      fc
        .string({ maxLength: 60 })
        .map((s) => `${BASE}/namespaces/default/workloads?fieldSelector=${encodeURIComponent(s)}`),
      fc
        .tuple(
          fc.constantFrom('limit', 'watch', 'timeoutSeconds', 'resourceVersion', 'continue', 'bogus'),
          fc.string({ maxLength: 20 }),
        )
        .map(([k, v]) => `${BASE}/sites?${k}=${encodeURIComponent(v)}&${k === 'watch' ? 'timeoutSeconds=1' : 'x=1'}`),
      fc.string({ minLength: 1, maxLength: 30 }).map((s) => `${BASE}/${encodeURIComponent(s)}/x`),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (url) => {
        const res = await app.inject({ method: 'GET', url, headers: auth });
        if (res.statusCode < 400) return; // a randomly valid selector is fine
        await expectProblem(res);
      }),
      { numRuns: 250, seed: 11 },
    );
  });

  it('oversize bodies and wrong media types', async () => {
    for (const size of [1024 * 1024 + 1, 3 * 1024 * 1024]) {
      const res = await app.inject({
        method: 'POST',
        url: `${BASE}/sites`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ pad: 'x'.repeat(size) }),
      });
      expect(res.statusCode).toBe(413);
      await expectProblem(res);
    }
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      await expectProblem(
        await app.inject({
          method: 'POST',
          url: `${BASE}/sites`,
          headers: { ...auth, 'content-type': ct },
          payload: 'x',
        }),
      );
    }
  });
});
