// Every HTTP route has an access rule and an expectation; non-resource routes × roles give exactly the expected decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../security/principal.js';
import { expected } from '../security/rbac/testing/expectations.js';
import type { Ctx } from './testing/kind-fixtures.js';
import { startMatrixEnv, type MatrixEnv } from './testing/matrix-env.js';
import { registeredRoutes } from './server.js';
import { CALLBACK_OPERATIONS, EWBI_PREFIX, EWBI_TOKEN_PATH, PARTNER_OPERATIONS } from '../federation/index.js';

/** EWBI partner and callback routes take only federation OAuth2 tokens: every platform credential gets 401. */
const EWBI_EXPECT: Record<string, RouteCase> = Object.fromEntries(
  [
    ...[...PARTNER_OPERATIONS, ...CALLBACK_OPERATIONS].map((o) => [o.method, EWBI_PREFIX + o.path] as const),
    ['POST', EWBI_TOKEN_PATH] as const,
  ].map(([method, path]) => [
    `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
    {
      kind: 'probe',
      probe: () => ({ method, url: path.replace(/\{\w+\}/g, 'x1'), body: {} }),
      allowed: () => false,
      refused: 401,
    },
  ]),
);

let env: MatrixEnv;
beforeAll(async () => {
  env = await startMatrixEnv();
}, 60_000);
afterAll(() => env?.stop());

interface Probe {
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What each route should do. `matrix`: exercised cell by cell by rbac-http.test.ts; `public`: no
 * authentication; otherwise a probe per own/other context, who may pass, and the statuses that
 * mean "passed" and "refused". Expectations reuse the RBAC expectation table where a route is an
 * object operation in disguise, and name roles literally otherwise.
 */
type RouteCase =
  | { kind: 'public' }
  | { kind: 'matrix' }
  | {
      kind: 'probe';
      probe: (ctx: Ctx) => Probe;
      allowed: (role: Role, ctx: Ctx) => boolean;
      passed?: number[];
      refused?: number;
      /** Streams (the tunnel) are probed over a real socket and aborted. */
      stream?: boolean;
      after?: (ctx: Ctx) => Promise<void>;
    };

const only =
  (...roles: Role[]) =>
  (role: Role) =>
    roles.includes(role);
const HUMANS = only('admin', 'infrastructure-admin', 'cloud-edge-admin', 'use-case-admin', 'end-user', 'auditor');
const siteOf = (ctx: Ctx) => (ctx === 'own' ? 'site-a' : 'site-b');
const tenantOf = (ctx: Ctx) => (ctx === 'own' ? 'tenant-a' : 'tenant-b');

const ROUTE_EXPECT: Record<string, RouteCase> = {
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /version': { kind: 'public' },
  // The gateway's identity-token verification keys (JWKS) are published for apps.
  'GET /auth/v1/gateway/keys': { kind: 'public' },
  // The audit public keys are published for auditors who verify exports elsewhere.
  'GET /auth/v1/audit/keys': { kind: 'public' },
  'GET /openapi.json': { kind: 'probe', probe: () => ({ method: 'GET', url: '/openapi.json' }), allowed: HUMANS },
  'GET /apis': { kind: 'probe', probe: () => ({ method: 'GET', url: '/apis' }), allowed: HUMANS },
  // Anyone authenticated may ask about itself (kubectl auth can-i / whoami).
  'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews': {
    kind: 'probe',
    probe: () => ({
      method: 'POST',
      url: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: { spec: { resourceAttributes: { verb: 'list', group: 'continuum.eu', resource: 'sites' } } },
    }),
    allowed: () => true,
    passed: [201],
  },
  // Asking about someone else is for admins and auditors.
  'POST /apis/authorization.k8s.io/v1/subjectaccessreviews': {
    kind: 'probe',
    probe: () => ({
      method: 'POST',
      url: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        spec: { user: 'someone', resourceAttributes: { verb: 'list', group: 'continuum.eu', resource: 'sites' } },
      },
    }),
    allowed: only('admin', 'auditor'),
    passed: [201],
  },
  'POST /apis/authentication.k8s.io/v1/selfsubjectreviews': {
    kind: 'probe',
    probe: () => ({ method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: {} }),
    allowed: () => true,
    passed: [201],
  },
  'GET /openapi/v2': { kind: 'probe', probe: () => ({ method: 'GET', url: '/openapi/v2' }), allowed: HUMANS },
  'GET /openapi/v3': { kind: 'probe', probe: () => ({ method: 'GET', url: '/openapi/v3' }), allowed: HUMANS },
  'GET /openapi/v3/apis/:group/:version': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/openapi/v3/apis/continuum.eu/v1alpha1' }),
    allowed: HUMANS,
  },
  'GET /api': { kind: 'probe', probe: () => ({ method: 'GET', url: '/api' }), allowed: HUMANS },
  ...Object.fromEntries(
    ['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [
      `${m} /apis`,
      { kind: 'probe', probe: () => ({ method: m, url: '/apis' }), allowed: () => false, refused: 405 },
    ]),
  ),
  ...Object.fromEntries(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [`${m} /apis/*`, { kind: 'matrix' }])),
  'GET /auth/v1/whoami': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/auth/v1/whoami' }),
    allowed: () => true,
  },
  'POST /auth/v1/tokens': { kind: 'matrix' },
  'POST /auth/v1/tokens/:id/revoke': {
    kind: 'probe',
    probe: (ctx) => ({ method: 'POST', url: `/auth/v1/tokens/${env.tokenNames[ctx]}/revoke`, body: {} }),
    allowed: (role, ctx) => expected(role, 'Token', ctx).has('update'),
    after: (ctx) => env.reset('Token', ctx),
  },
  'GET /metrics': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/metrics' }),
    allowed: only('admin', 'infrastructure-admin', 'cloud-edge-admin', 'auditor'),
  },
  'GET /audit/v1/verify': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/audit/v1/verify' }),
    allowed: only('admin', 'auditor'),
  },
  'GET /audit/v1/export': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/audit/v1/export?since=2999-01-01T00:00:00Z' }),
    allowed: only('admin', 'auditor'),
  },
  'POST /auth/v1/signing-keys/rotate': {
    kind: 'probe',
    probe: () => ({ method: 'POST', url: '/auth/v1/signing-keys/rotate' }),
    allowed: only('admin'),
  },
  'POST /secrets/v1/rotate-key': {
    kind: 'probe',
    probe: () => ({ method: 'POST', url: '/secrets/v1/rotate-key' }),
    allowed: only('admin'),
  },
  // Only an unused bootstrap token passes; no access token of any role does.
  'POST /agent/v1/bootstrap': {
    kind: 'probe',
    probe: () => ({ method: 'POST', url: '/agent/v1/bootstrap' }),
    allowed: () => false,
    refused: 401,
  },
  'GET /agent/v1/workloads/:namespace/:name/env': {
    kind: 'probe',
    probe: (ctx) => ({ method: 'GET', url: `/agent/v1/workloads/${tenantOf(ctx)}/x/env` }),
    allowed: (role, ctx) =>
      role === 'agent'
        ? expected(role, 'Workload', ctx).has('get')
        : expected(role, 'Workload', ctx).has('get') && expected(role, 'Secret', ctx).has('get/data'),
  },
  'GET /agent/v1/peers': {
    kind: 'probe',
    probe: () => ({ method: 'GET', url: '/agent/v1/peers' }),
    allowed: (role) => role === 'agent' || expected(role, 'Site', 'own').has('update/status'),
  },
  'GET /agent/v1/sites/:site/tunnel': {
    kind: 'probe',
    stream: true,
    probe: (ctx) => ({ method: 'GET', url: `/agent/v1/sites/${siteOf(ctx)}/tunnel` }),
    allowed: (role, ctx) => (role === 'agent' ? ctx === 'own' : expected(role, 'Site', ctx).has('update/status')),
  },
  // Passing access means reaching the hub, which answers 404 for an unknown request id.
  'POST /agent/v1/tunnel/:id': {
    kind: 'probe',
    probe: () => ({ method: 'POST', url: '/agent/v1/tunnel/00000000-0000-0000-0000-000000000000', body: {} }),
    allowed: (role) => role === 'agent' || expected(role, 'Site', 'own').has('update/status'),
    passed: [404],
  },
  // Placement preview: whoever may create a Deployment in the namespace; an empty body is then a 422.
  'POST /placement/v1/namespaces/:namespace/preview': {
    kind: 'probe',
    probe: (ctx) => ({ method: 'POST', url: `/placement/v1/namespaces/${tenantOf(ctx)}/preview`, body: {} }),
    allowed: (role, ctx) => expected(role, 'Deployment', ctx).has('create'),
    passed: [422],
  },
  // Usage ingest: the site's own agent, or whoever may write the Site's status; an empty batch is then a 202.
  'POST /agent/v1/sites/:site/usage': {
    kind: 'probe',
    probe: (ctx) => ({ method: 'POST', url: `/agent/v1/sites/${siteOf(ctx)}/usage`, body: { records: [] } }),
    allowed: (role, ctx) => (role === 'agent' ? ctx === 'own' : expected(role, 'Site', ctx).has('update/status')),
    passed: [202],
  },
  // Usage, raw records, invoices and carbon reports of a tenant: whoever may list its Deployments.
  ...Object.fromEntries(
    [
      ['GET /metering/v1/usage', (t: string) => `/metering/v1/usage?namespace=${t}`],
      ['GET /metering/v1/records', (t: string) => `/metering/v1/records?namespace=${t}`],
      ['GET /metering/v1/invoices/:tenant/:period', (t: string) => `/metering/v1/invoices/${t}/2026-11`],
      ['GET /metering/v1/carbon', (t: string) => `/metering/v1/carbon?namespace=${t}`],
    ].map(([key, url]) => [
      key as string,
      {
        kind: 'probe' as const,
        probe: (ctx: Ctx) => ({ method: 'GET', url: (url as (t: string) => string)(tenantOf(ctx)) }),
        allowed: (role: Role, ctx: Ctx) => expected(role, 'Deployment', ctx).has('list'),
      },
    ]),
  ),
  // Gateway: whoever may read the Deployment reaches the handler, which answers 404 for a missing one.
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].flatMap((m) =>
      ['/gw/:namespace/:deployment', '/gw/:namespace/:deployment/*'].map((u) => [
        `${m} ${u}`,
        {
          kind: 'probe' as const,
          probe: (ctx: 'own' | 'other') => ({
            method: m,
            url: `/gw/${tenantOf(ctx)}/missing${u.endsWith('*') ? '/x' : ''}`,
          }),
          allowed: (role: Role, ctx: 'own' | 'other') => expected(role, 'Deployment', ctx).has('get'),
          passed: [404],
        },
      ]),
    ),
  ),
  ...EWBI_EXPECT,
  // CAMARA (src/api/camara): the tenant is the caller's, or the one named by x-continuum-namespace; RBAC decides.
  ...camaraExpect(),
};

/** CAMARA routes: each is one native verb on Application, Deployment or Site (docs/camara.md, scope mapping). */
function camaraExpect(): Record<string, RouteCase> {
  const B = '/edge-application-management/vwip';
  const ID = '00000000-0000-4000-8000-000000000000';
  const rows: Array<[string, string, string, string, number]> = [
    ['POST', '/apps', 'Application', 'create', 400],
    ['GET', '/apps', 'Application', 'list', 200],
    ['GET', '/apps/:appId', 'Application', 'get', 404],
    ['DELETE', '/apps/:appId', 'Application', 'delete', 404],
    ['POST', '/app-instances', 'Deployment', 'create', 400],
    ['GET', '/app-instances', 'Deployment', 'list', 200],
    ['GET', '/app-instances/:appInstanceId', 'Deployment', 'get', 404],
    ['DELETE', '/app-instances/:appInstanceId', 'Deployment', 'delete', 404],
    ['POST', '/deployments', 'Deployment', 'create', 400],
    ['GET', '/deployments', 'Deployment', 'list', 200],
    ['GET', '/deployments/:appDeploymentId', 'Deployment', 'list', 404],
    ['DELETE', '/deployments/:appDeploymentId', 'Deployment', 'delete', 404],
    ['PATCH', '/deployments/:appDeploymentId', 'Deployment', 'update', 400],
    ['GET', '/edge-cloud-zones', 'Site', 'list', 200],
  ];
  const discovery: Array<[string, string, string, string, number]> = [
    ['POST', '/simple-edge-discovery/v2/retrieve-closest-edge-cloud-zone', 'Site', 'list', 422],
    ['GET', '/optimal-edge-discovery/v0.1/regions', 'Site', 'list', 200],
    ['POST', '/optimal-edge-discovery/v0.1/retrieve-optimal-edge-cloud-zones', 'Site', 'list', 400],
  ];
  return Object.fromEntries(
    [...rows.map(([m, u, k, v, p]) => [m, `${B}${u}`, k, v, p] as const), ...discovery].map(
      ([m, u, kind, verb, pass]) => [
        `${m} ${u}`,
        {
          kind: 'probe' as const,
          probe: (ctx: Ctx) => ({
            method: m,
            url: u.replace(/:[A-Za-z]+/, ID),
            ...(m === 'POST' || m === 'PATCH' ? { body: {} } : {}),
            headers: { 'x-continuum-namespace': tenantOf(ctx) },
          }),
          allowed: (role: Role, ctx: Ctx) => expected(role, kind, kind === 'Site' ? 'own' : ctx).has(verb),
          passed: [pass],
        },
      ],
    ),
  );
}

const keyOf = (r: { method: string; url: string }) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;

async function streamStatus(token: string, url: string): Promise<number> {
  const ac = new AbortController();
  const res = await fetch(`${env.cp.url}${url}`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  ac.abort();
  return res.status;
}

describe('HTTP routes', () => {
  it('every registered route has an access rule and an expectation, and no expectation is stale', () => {
    const routes = registeredRoutes(env.cp.app);
    expect(routes.length).toBeGreaterThan(10);
    expect(
      routes.filter((r) => !r.access).map(keyOf),
      'routes without an access rule (src/api/route-access.ts)',
    ).toEqual([]);
    expect(
      [...new Set(routes.map(keyOf))].filter((k) => !ROUTE_EXPECT[k]),
      'routes without an expectation here',
    ).toEqual([]);
    const keys = new Set(routes.map(keyOf));
    expect(
      Object.keys(ROUTE_EXPECT).filter((k) => !keys.has(k)),
      'expectations for routes that do not exist',
    ).toEqual([]);
  });

  it('every route but the public ones refuses anonymous callers with 401 and a challenge', async () => {
    for (const r of registeredRoutes(env.cp.app)) {
      const url = r.url.replace(/:[a-z]+/gi, 'x').replace('*', 'x/y/z');
      const a = await env.req(undefined, r.method, url);
      if (ROUTE_EXPECT[keyOf(r)]?.kind === 'public') expect(a.status, keyOf(r)).toBe(200);
      else {
        expect(a.status, keyOf(r)).toBe(401);
        // The OAuth2 token endpoint authenticates clients with HTTP Basic (RFC 6749 §2.3.1).
        expect(String(a.headers['www-authenticate']), keyOf(r)).toMatch(
          r.url === EWBI_TOKEN_PATH ? /^Basic / : /^Bearer /,
        );
      }
    }
  });

  it('non-resource routes × roles × own/other: exactly the expected decisions, 0 unexpected allows', async () => {
    const allows: string[] = [];
    const denies: string[] = [];
    const odd: string[] = [];
    for (const [key, c] of Object.entries(ROUTE_EXPECT)) {
      if (c.kind !== 'probe') continue;
      for (const role of ROLES)
        for (const ctx of ['own', 'other'] as const) {
          const p = c.probe(ctx);
          const status = c.stream
            ? await streamStatus(env.tokens[role], p.url)
            : (await env.as(role, p.method, p.url, p.body, p.headers)).status;
          const passed = (c.passed ?? [200, 201]).includes(status);
          const label = `${role} ${key} (${ctx})`;
          if (!passed && status !== (c.refused ?? 403)) odd.push(`${label}: ${status}`);
          const want = c.allowed(role, ctx);
          if (passed && !want) allows.push(label);
          if (!passed && want) denies.push(label);
          if (passed) await c.after?.(ctx);
        }
    }
    expect(allows, 'unexpected allows').toEqual([]);
    expect(denies, 'unexpected denies').toEqual([]);
    expect(odd, 'answers that are neither pass nor refusal').toEqual([]);
  }, 60_000);
});
