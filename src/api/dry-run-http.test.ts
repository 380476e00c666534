// Server-side dry run (?dryRun=All) on create, replace, merge patch and apply: validated, authorized, admitted, not stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
const tok: Record<string, string> = {};
const app = (
  name: string,
  ns = 'acme',
  spec: unknown = { components: [{ name: 'web', artifact: { command: 'node' } }] },
) => ({
  apiVersion: API_VERSION,
  kind: 'Application',
  metadata: { name, namespace: ns },
  spec,
});
const url = (ns: string, name = '') => `${BASE}/namespaces/${ns}/applications${name ? `/${name}` : ''}`;
const MERGE = { 'content-type': 'application/merge-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+json' };

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme', 'other'], runControllers: false });
  tok.uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  expect((await env.req(env.adminToken, 'POST', url('acme'), app('live'))).status).toBe(201);
}, 30_000);
afterAll(() => env?.stop());

const revision = async (): Promise<string> =>
  (await env.req(env.adminToken, 'GET', url('acme'))).body.metadata.resourceVersion as string;

describe('dryRun=All', () => {
  it('create: answers as a create would, stores nothing, spends no revision', async () => {
    const before = await revision();
    const r = await env.req(tok.uca, 'POST', `${url('acme')}?dryRun=All`, app('dry'));
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ metadata: { name: 'dry', namespace: 'acme', generation: 1 } });
    expect(r.body.metadata.uid).toBeTruthy();
    expect((await env.req(tok.uca, 'GET', url('acme', 'dry'))).status).toBe(404);
    expect(await revision()).toBe(before);
  });

  it.each([
    ['an invalid object', 'acme', app('bad', 'acme', { components: 'nope' }), 422, 'spec.components'],
    ['an existing name', 'acme', app('live'), 409, 'metadata.name'],
    ['a namespace that does not exist (admission)', 'ghost', app('x', 'ghost'), 404, ''],
    ['another tenant (authorization)', 'other', app('x', 'other'), 403, ''],
  ])('create: refuses %s like a real create', async (_what, ns, body, status, field) => {
    const r = await env.req(ns === 'ghost' ? env.adminToken : tok.uca, 'POST', `${url(ns)}?dryRun=All`, body);
    expect(r.status, r.text).toBe(status);
    if (field) expect(JSON.stringify(r.body.errors)).toContain(field);
  });

  it('replace, merge patch and apply: return the would-be object, the stored one stays', async () => {
    const cur = (await env.req(tok.uca, 'GET', url('acme', 'live'))).body;
    const before = await revision();
    const spec = { components: [{ name: 'web', artifact: { command: 'node', args: ['v2.mjs'] } }] };
    const put = await env.req(tok.uca, 'PUT', `${url('acme', 'live')}?dryRun=All`, { ...cur, spec });
    expect([put.status, put.body.spec, put.body.metadata.generation]).toEqual([200, spec, 2]);
    const patch = await env.req(
      tok.uca,
      'PATCH',
      `${url('acme', 'live')}?dryRun=All`,
      { metadata: { labels: { a: 'b' } } },
      MERGE,
    );
    expect([patch.status, patch.body.metadata.labels]).toEqual([200, { a: 'b' }]);
    const applied = await env.req(
      tok.uca,
      'PATCH',
      `${url('acme', 'live')}?dryRun=All`,
      app('live', 'acme', spec),
      APPLY,
    );
    expect([applied.status, applied.headers['x-continuum-apply'], applied.body.spec]).toEqual([
      200,
      'configured',
      spec,
    ]);
    const same = await env.req(tok.uca, 'PATCH', `${url('acme', 'live')}?dryRun=All`, app('live'), APPLY);
    expect(same.headers['x-continuum-apply']).toBe('unchanged');
    const fresh = await env.req(tok.uca, 'PATCH', `${url('acme', 'new')}?dryRun=All`, app('new'), APPLY);
    expect([fresh.status, fresh.headers['x-continuum-apply']]).toEqual([201, 'created']);
    const badPut = await env.req(tok.uca, 'PUT', `${url('acme', 'live')}?dryRun=All`, {
      ...cur,
      spec: { components: 1 },
    });
    expect(badPut.status).toBe(422);
    const after = (await env.req(tok.uca, 'GET', url('acme', 'live'))).body;
    expect(after).toEqual(cur);
    expect((await env.req(tok.uca, 'GET', url('acme', 'new'))).status).toBe(404);
    expect(await revision()).toBe(before);
  });

  it('rejects other dryRun values with the field path', async () => {
    const r = await env.req(tok.uca, 'POST', `${url('acme')}?dryRun=Maybe`, app('z'));
    expect([r.status, r.body.errors]).toEqual([400, [{ field: 'query.dryRun', message: 'must be a boolean' }]]);
  });
});
