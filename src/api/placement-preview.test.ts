// The placement preview (server-side dry run): where a deployment would run and why, with nothing created.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationKind, DeploymentKind, kindByName, NamespaceKind, SiteKind, WorkloadKind } from '../model/index.js';
import { application, component, deployment, namespace } from '../model/testing/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { loadTopology } from '../topology/index.js';
import type { PlacementPreview } from './placement-preview.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';

const auth = { authorization: 'Bearer t' };
const URL = '/placement/v1/namespaces/default/preview';
let app: FastifyInstance;
let store: Store;

const vcApp = application('default', 'vc', {
  components: [component('sfu', { ports: [{ name: 'media', expose: true }] })],
  requirements: {
    jurisdiction: { euOnly: true },
    spread: { sites: true, providers: true },
    latency: [
      { area: 'zurich', maxMs: 15 },
      { area: 'london', maxMs: 15 },
    ],
  },
});
const vcDep = deployment('default', 'vc', {
  application: 'vc',
  areas: [
    { area: 'zurich', replicas: 2 },
    { area: 'london', replicas: 2 },
  ],
});

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  await store.create(NamespaceKind, namespace('default'));
  const topo = loadTopology();
  for (const obj of [...topo.providers, ...topo.areas, ...topo.sites]) await store.apply(kindByName(obj.kind)!, obj);
  const now = new Date().toISOString();
  for (const s of (await store.list(SiteKind)).items)
    await store.updateStatus(SiteKind, {
      ...s,
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'AgentHeartbeat', lastTransitionTime: now }] },
    });
  app = await createApiServer({ store, security: new StaticTokenSecurity('t'), version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const preview = (payload: unknown) =>
  app.inject({ method: 'POST', url: URL, headers: auth, payload: payload as object });

describe('POST /placement/v1/namespaces/{ns}/preview', () => {
  it('places the video-conferencing deployment given inline, and creates nothing', async () => {
    const before = await store.revision();
    const r = await preview({ deployment: vcDep, application: vcApp });
    expect(r.statusCode).toBe(200);
    const p = r.json<PlacementPreview>();
    expect(p).toMatchObject({
      kind: 'PlacementPreview',
      deployment: 'vc',
      application: 'vc',
      placed: true,
      replicas: 4,
    });
    expect(new Set(p.placement!.assignments.map((a) => a.provider)).size).toBe(4);
    expect(p.lines[0]).toMatch(/sites fit component sfu in Zurich/);
    expect(p.lines.some((l) => / -> hexa-paris-metro \(hexa\)/.test(l))).toBe(true);
    expect(await store.revision()).toBe(before);
    expect((await store.list(DeploymentKind)).items).toEqual([]);
    expect((await store.list(WorkloadKind)).items).toEqual([]);
  });

  it('reads the Application from the store when it is not inline', async () => {
    await store.create(ApplicationKind, vcApp);
    const r = await preview({ deployment: vcDep });
    expect(r.statusCode).toBe(200);
    expect(r.json<PlacementPreview>().placed).toBe(true);
    await store.delete(ApplicationKind, 'default', 'vc');
  });

  it('reports an unplaceable deployment with the reasons (200, placed false)', async () => {
    const dep = { ...vcDep, spec: { ...vcDep.spec, requirements: { latency: [{ area: 'london', maxMs: 2 }] } } };
    const p = (await preview({ deployment: dep, application: vcApp })).json<PlacementPreview>();
    expect(p.placed).toBe(false);
    expect(p.placement!.unplaced).toEqual(['sfu/2@london', 'sfu/3@london']);
    expect(p.lines.join('\n')).toMatch(/0\/31 sites fit component sfu in London: .*over 2 ms from London/);
  });

  it.each<[string, unknown, string]>([
    ['no body object', [], 'deployment'],
    ['no deployment', { application: vcApp }, 'deployment'],
    ['an invalid deployment', { deployment: { ...vcDep, spec: { areas: [] } } }, 'deployment.spec.application'],
    [
      'an invalid application',
      { deployment: vcDep, application: { ...vcApp, spec: { components: [] } } },
      'application.spec.components',
    ],
    [
      'another namespace',
      { deployment: { ...vcDep, metadata: { name: 'vc', namespace: 'x' } } },
      'deployment.metadata.namespace',
    ],
    [
      'an application of another name',
      { deployment: vcDep, application: { ...vcApp, metadata: { name: 'other', namespace: 'default' } } },
      'deployment.spec.application',
    ],
    ['an application that does not exist', { deployment: vcDep }, 'deployment.spec.application'],
    [
      'an unknown user area',
      { deployment: { ...vcDep, spec: { ...vcDep.spec, areas: [{ area: 'atlantis' }] } }, application: vcApp },
      'deployment.spec.areas[0].area',
    ],
    [
      'allowed countries that euOnly excludes',
      {
        deployment: { ...vcDep, spec: { ...vcDep.spec, requirements: { jurisdiction: { allowedCountries: ['CH'] } } } },
        application: vcApp,
      },
      'deployment.spec.requirements.jurisdiction.allowedCountries[0]',
    ],
  ])('rejects %s with 422 and the field path', async (_name, body, field) => {
    const r = await preview(body);
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    expect(r.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
  });

  it('refuses anonymous callers', async () => {
    const r = await app.inject({ method: 'POST', url: URL, payload: { deployment: vcDep } });
    expect(r.statusCode).toBe(401);
  });
});
