// In-process tests of the native API: conventions, errors as problem+json, watch over SSE.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteKind, WorkloadKind } from '../model/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { site, workload } from '../model/testing/index.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';

const TOKEN = 'test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const BASE = '/apis/continuum.eu/v1alpha1';
let app: FastifyInstance;
let store: Store;

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 50 });
  app = await createApiServer({ store, security: new StaticTokenSecurity(TOKEN), version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('native API', () => {
  it('requires a token except on health endpoints', async () => {
    for (const url of ['/healthz', '/readyz', '/version']) expect((await app.inject({ url })).statusCode).toBe(200);
    const r = await app.inject({ url: `${BASE}/sites` });
    expect(r.statusCode).toBe(401);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().code).toBe('Unauthorized');
    expect((await app.inject({ url: `${BASE}/sites`, headers: { authorization: 'Bearer nope' } })).json().code).toBe(
      'TokenInvalid',
    );
  });

  it('creates, reads, lists, patches and deletes', async () => {
    const c = await app.inject({ method: 'POST', url: `${BASE}/sites`, headers: auth, payload: site('mad-1') });
    expect(c.statusCode).toBe(201);
    expect(c.json().metadata).toMatchObject({
      uid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      generation: 1,
    });
    const g = await app.inject({ url: `${BASE}/sites/mad-1`, headers: { ...auth, accept: 'application/yaml' } });
    expect(g.headers['content-type']).toContain('yaml');
    expect(g.body).toContain('name: mad-1');
    const l = await app.inject({ url: `${BASE}/sites?labelSelector=`, headers: auth });
    expect(l.json().kind).toBe('SiteList');
    const p = await app.inject({
      method: 'PATCH',
      url: `${BASE}/sites/mad-1`,
      headers: { ...auth, 'content-type': 'application/merge-patch+json' },
      payload: { spec: { unschedulable: true } },
    });
    expect(p.json().metadata.generation).toBe(2);
    const d = await app.inject({ method: 'DELETE', url: `${BASE}/sites/mad-1`, headers: auth });
    expect(d.statusCode).toBe(200);
    expect((await app.inject({ url: `${BASE}/sites/mad-1`, headers: auth })).statusCode).toBe(404);
  });

  it('accepts YAML bodies and apply-patch create-or-update', async () => {
    const yaml = `apiVersion: continuum.eu/v1alpha1\nkind: Site\nmetadata:\n  name: lis-1\nspec:\n  provider: p\n  category: cloud\n  location: {country: PT, latitude: 38.72, longitude: -9.14}\n  capacity: {cpu: 8}\n`;
    const a = await app.inject({
      method: 'PATCH',
      url: `${BASE}/sites/lis-1`,
      headers: { ...auth, 'content-type': 'application/apply-patch+yaml' },
      payload: yaml,
    });
    expect(a.statusCode).toBe(201);
    const b = await app.inject({
      method: 'PATCH',
      url: `${BASE}/sites/lis-1`,
      headers: { ...auth, 'content-type': 'application/apply-patch+yaml' },
      payload: yaml,
    });
    expect(b.statusCode).toBe(200);
    expect(b.headers['x-continuum-apply']).toBe('unchanged');
  });

  it.each([
    ['unknown field', { method: 'POST', url: `${BASE}/sites`, payload: { ...site('x'), extra: 1 } }, 422, 'extra'],
    [
      'malformed JSON',
      { method: 'POST', url: `${BASE}/sites`, payload: '{"a":', headers: { 'content-type': 'application/json' } },
      400,
      '(body)',
    ],
    [
      'malformed YAML',
      { method: 'POST', url: `${BASE}/sites`, payload: 'a: [1, 2', headers: { 'content-type': 'application/yaml' } },
      400,
      '(body)',
    ],
    [
      'kind mismatch',
      { method: 'POST', url: `${BASE}/sites`, payload: { ...site('x'), kind: 'Provider' } },
      400,
      'kind',
    ],
    ['unknown query', { method: 'GET', url: `${BASE}/sites?lables=a` }, 400, 'query.lables'],
    ['bad limit', { method: 'GET', url: `${BASE}/sites?limit=-1` }, 400, 'query.limit'],
    ['bad selector', { method: 'GET', url: `${BASE}/sites?labelSelector=a%20in%20(b` }, 400, 'labelSelector'],
    [
      'oversize',
      {
        method: 'POST',
        url: `${BASE}/sites`,
        payload: JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
      },
      413,
      undefined,
    ],
    [
      'unsupported media',
      { method: 'POST', url: `${BASE}/sites`, payload: 'x', headers: { 'content-type': 'text/plain' } },
      415,
      undefined,
    ],
    ['unknown kind', { method: 'GET', url: `${BASE}/widgets` }, 404, undefined],
    ['namespace on cluster kind', { method: 'GET', url: `${BASE}/namespaces/default/sites` }, 404, undefined],
    ['method', { method: 'POST', url: `${BASE}/sites/abc` }, 405, undefined],
    [
      'stale version',
      {
        method: 'PUT',
        url: `${BASE}/sites/stale-1`,
        payload: { ...site('stale-1'), metadata: { name: 'stale-1', resourceVersion: '1' } },
        // The object exists and has moved past resourceVersion 1.
        before: async () => {
          await store.create(SiteKind, site('stale-1'));
          await store.patch(SiteKind, undefined, 'stale-1', { spec: { unschedulable: true } });
        },
      },
      409,
      'metadata.resourceVersion',
    ],
  ] as const)('answers %s with a problem', async (_n, { before, ...req }: any, status, field) => {
    await before?.();
    const r = await app.inject({ ...req, headers: { ...auth, ...(req.headers ?? {}) } });
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const body = r.json();
    expect(body.status).toBe(status);
    expect(body.code).toBeTypeOf('string');
    if (field) expect(body.errors.map((e: any) => e.field)).toContain(field);
  });

  it('serves discovery and an OpenAPI document generated from the schemas', async () => {
    const d = await app.inject({ url: `${BASE}`, headers: auth });
    expect(d.json().resources.map((r: any) => r.name)).toContain('sites');
    const o = await app.inject({ url: '/openapi.json', headers: auth });
    const doc = o.json();
    expect(doc.components.schemas.Site.properties.spec.additionalProperties).toBe(false);
    expect(Object.keys(doc.paths)).toContain(`${BASE}/namespaces/{namespace}/workloads/{name}/status`);
  });

  it('streams a watch over Server-Sent Events and resumes from Last-Event-ID', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address() as { port: number };
    const url = `http://127.0.0.1:${addr.port}${BASE}/namespaces/w1/workloads?watch=true`;
    const ac = new AbortController();
    const res = await fetch(url, { headers: { ...auth, accept: 'text/event-stream' }, signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const created = await store.create(WorkloadKind, workload('w1', 'a'));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ADDED')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the watch ended before an ADDED event: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain(`id: ${created.metadata.resourceVersion}`);
    ac.abort();
    // A client that reconnects with Last-Event-ID gets exactly what happened after it, not the past again.
    const later = await store.create(WorkloadKind, workload('w1', 'b'));
    const resumed = await fetch(`${url}&timeoutSeconds=1`, {
      headers: { ...auth, accept: 'text/event-stream', 'last-event-id': created.metadata.resourceVersion },
    });
    const events = (await resumed.text()).split('\n').filter((l) => l.startsWith('id: '));
    expect(events).toEqual([`id: ${later.metadata.resourceVersion}`]);
  });
});
