// The gateway through real HTTP: forwarding, the SSRF encodings of issue 12, headers both ways, identity, WebSocket.
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, NamespaceKind } from '../../model/index.js';
import { deployment, namespace } from '../../model/testing/index.js';
import { SqliteBackend, Store } from '../../store/index.js';
import type { AuditEntry } from '../../security/port.js';
import { createApiServer } from '../server.js';
import { StaticTokenSecurity } from '../testing/static-security.js';
import { GATEWAY_KEYS_PATH, IDENTITY_ISSUER } from './index.js';
import { echoUpstream, notReadySite, rawRequest, readySite, type Upstream } from './testing/index.js';

const TOKEN = 'gw-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let app: FastifyInstance;
let store: Store;
let port: number;
let web: Upstream;
let admin: Upstream;
let other: Upstream;
/** Must never be reached: the SSRF encodings point at it. */
let canary: Upstream;
const audited: AuditEntry[] = [];

class AuditingSecurity extends StaticTokenSecurity {
  override audit(e: AuditEntry): void {
    audited.push(e);
  }
}

async function setEndpoints(eps: Array<{ component: string; url: string; site?: string }>): Promise<void> {
  const d = (await store.get(DeploymentKind, 'default', 'shop'))!;
  await store.updateStatus(DeploymentKind, {
    ...d,
    status: { phase: 'Running', endpoints: eps.map((e) => ({ site: 'edge-1', ...e })) },
  });
}

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  await store.create(NamespaceKind, namespace('default'));
  await store.create(DeploymentKind, deployment('default', 'shop'));
  await readySite(store, 'edge-1');
  [web, admin, other, canary] = await Promise.all(['web', 'admin', 'other', 'canary'].map((n) => echoUpstream(n)));
  app = await createApiServer({ store, security: new AuditingSecurity(TOKEN), version: 'test' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  for (const u of [web, admin, other, canary]) await u?.close();
});

describe('gateway forwarding', () => {
  it('forwards method, normalised path, query and body to the serving endpoint; never credentials', async () => {
    await setEndpoints([
      { component: 'frontend', url: web.url },
      { component: 'admin', url: admin.url },
    ]);
    const r = await rawRequest(port, {
      method: 'POST',
      path: '/gw/default/shop/cart/./items/../items?x=1&y=%20',
      headers: {
        ...auth,
        'content-type': 'text/plain',
        cookie: 'continuum-session=secret',
        'x-continuum-identity': 'forged',
        'x-forwarded-for': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
        'x-keep': 'yes',
        connection: 'close, x-drop-me',
        'x-drop-me': '1',
        'proxy-authorization': 'Basic eA==',
      },
      body: 'hello',
    });
    expect(r.status, r.body).toBe(200);
    const seen = JSON.parse(r.body);
    expect(seen).toMatchObject({ name: 'web', method: 'POST', url: '/cart/items?x=1&y=%20', body: 'hello' });
    const h = seen.headers;
    for (const k of ['authorization', 'cookie', 'forwarded', 'x-drop-me', 'proxy-authorization'])
      expect(h[k], k).toBeUndefined();
    expect(h['x-keep']).toBe('yes');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-prefix']).toBe('/gw/default/shop');
    expect(h['x-continuum-identity']).not.toBe('forged');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['x-continuum-target']).toBe('frontend@edge-1');
    const chosen = await rawRequest(port, { path: '/gw/default/shop/~admin/x', headers: auth });
    expect(JSON.parse(chosen.body)).toMatchObject({ name: 'admin', url: '/x' });
    expect(JSON.parse(chosen.body).headers['x-forwarded-prefix']).toBe('/gw/default/shop/~admin');
  });

  it('gives the app a short-lived identity it can verify with the published key', async () => {
    await setEndpoints([{ component: 'frontend', url: web.url }]);
    const r = await rawRequest(port, { path: '/gw/default/shop/me', headers: auth });
    const token = JSON.parse(r.body).headers['x-continuum-identity'] as string;
    const keys = (await (await fetch(`http://127.0.0.1:${port}${GATEWAY_KEYS_PATH}`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys), {
      issuer: IDENTITY_ISSUER,
      audience: 'default/shop',
    });
    expect(payload).toMatchObject({ sub: 'admin', kind: 'user', jti: r.headers['x-request-id'] });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(jwtVerify(tampered, createLocalJWKSet(keys))).rejects.toThrow();
  });
});

describe('gateway SSRF and origin confinement (issue 12)', () => {
  const attacks = (p: number): Array<[string, string]> => [
    ['leading //host:port', `/gw/default/shop//127.0.0.1:${p}/path`],
    ['encoded backslashes %5C%5Chost', `/gw/default/shop/%5C%5C127.0.0.1:${p}/`],
    ['raw backslashes', `/gw/default/shop/\\\\127.0.0.1:${p}/`],
    ['component then //host', `/gw/default/shop/~frontend//127.0.0.1:${p}/`],
    ['encoded slashes %2F%2Fhost', `/gw/default/shop/%2F%2F127.0.0.1:${p}/`],
    ['slash-backslash', `/gw/default/shop/%2F%5C127.0.0.1:${p}/`],
    ['climbing out with ..', `/gw/default/shop/../../x`],
    ['encoded dot segments', `/gw/default/shop/%2e%2e/%2e%2e/127.0.0.1:${p}`],
    ['NUL byte', `/gw/default/shop/a%00b`],
  ];
  it('refuses every encoding with 400 problem+json and the canary is never hit', async () => {
    await setEndpoints([{ component: 'frontend', url: web.url }]);
    for (const [what, path] of attacks(canary.port)) {
      const r = await rawRequest(port, { path, headers: auth });
      expect([400, 404], `${what}: ${r.status} ${r.body}`).toContain(r.status);
      expect(r.headers['content-type'], what).toContain('application/problem+json');
    }
    // A malformed escape is refused by the router already (its answer's format belongs to the API's error rendering).
    expect((await rawRequest(port, { path: '/gw/default/shop/%zz', headers: auth })).status).toBe(400);
    expect(canary.seen).toEqual([]);
    // Empty segments inside the path are merged: the request stays on the workload.
    const inner = await rawRequest(port, {
      path: `/gw/default/shop/anything//127.0.0.1:${canary.port}/p`,
      headers: auth,
    });
    expect(JSON.parse(inner.body)).toMatchObject({ name: 'web', url: `/anything/127.0.0.1:${canary.port}/p` });
    expect(canary.seen).toEqual([]);
  });

  it('refuses endpoints outside the addresses the site registered, and sites that are not Ready', async () => {
    await readySite(store, 'far-away', { workloadNetworks: ['192.0.2.0/24'] });
    await setEndpoints([{ component: 'frontend', url: canary.url, site: 'far-away' }]);
    const r = await rawRequest(port, { path: '/gw/default/shop/', headers: auth });
    expect(r.status).toBe(503);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.headers['retry-after']).toBe('1');
    await setEndpoints([{ component: 'frontend', url: canary.url, site: 'no-such-site' }]);
    expect((await rawRequest(port, { path: '/gw/default/shop/', headers: auth })).status).toBe(503);
    await readySite(store, 'sleepy');
    await notReadySite(store, 'sleepy');
    await setEndpoints([
      { component: 'frontend', url: canary.url, site: 'sleepy' },
      { component: 'frontend', url: other.url },
    ]);
    for (let i = 0; i < 4; i++)
      expect(JSON.parse((await rawRequest(port, { path: '/gw/default/shop/', headers: auth })).body).name).toBe(
        'other',
      );
    expect(canary.seen).toEqual([]);
  });
});

describe('gateway failover and errors', () => {
  it('follows moves, retries a request with a body on another endpoint when one cannot be connected to', async () => {
    await setEndpoints([
      { component: 'frontend', url: 'http://127.0.0.1:1' },
      { component: 'frontend', url: 'http://127.0.0.1:1/' },
      { component: 'frontend', url: other.url },
    ]);
    for (let i = 0; i < 6; i++) {
      const r = await rawRequest(port, { method: 'PUT', path: '/gw/default/shop/put', headers: auth, body: `b${i}` });
      expect(r.status, r.body).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ name: 'other', method: 'PUT', body: `b${i}` });
    }
    await setEndpoints([]);
    const none = await rawRequest(port, { path: '/gw/default/shop/', headers: auth });
    expect(none.status).toBe(503);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect((await rawRequest(port, { path: '/gw/default/nope/', headers: auth })).status).toBe(404);
    expect((await rawRequest(port, { path: '/gw/default/shop/' })).status).toBe(401);
  });

  it('audits gateway requests with the client address, the first per window in full, then aggregated', async () => {
    await setEndpoints([{ component: 'frontend', url: web.url }]);
    const before = audited.length;
    for (let i = 0; i < 20; i++) await rawRequest(port, { path: `/gw/default/shop/a${i}`, headers: auth });
    const mine = audited.slice(before).filter((e) => e.verb.startsWith('gateway'));
    expect(mine.length).toBeLessThanOrEqual(1);
    expect(mine[0] ?? audited.find((e) => e.verb === 'gateway')).toMatchObject({ ip: '127.0.0.1', subject: 'admin' });
  });
});

describe('gateway WebSocket', () => {
  it('upgrades through the gateway and relays bytes both ways, with credentials stripped', async () => {
    await setEndpoints([{ component: 'frontend', url: web.url }]);
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/gw/default/shop/socket',
        headers: { ...auth, connection: 'Upgrade', upgrade: 'websocket', cookie: 'c=1' },
      });
      req.on('upgrade', (res, socket) => {
        expect(res.statusCode).toBe(101);
        expect(res.headers['x-upstream']).toBe('web');
        socket.once('data', (d: Buffer) => {
          resolve(d.toString());
          socket.destroy();
        });
        socket.write('ping-through-gateway');
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('ping-through-gateway');
    const up = web.seen.filter((s) => s.method === 'UPGRADE').at(-1)!;
    expect(up.url).toBe('/socket');
    expect(up.headers.authorization).toBeUndefined();
    expect(up.headers.cookie).toBeUndefined();
    expect(up.headers['x-continuum-identity']).toBeTruthy();
    const denied = await rawRequest(port, {
      path: `/gw/default/shop//127.0.0.1:${canary.port}/`,
      headers: { ...auth, connection: 'Upgrade', upgrade: 'websocket' },
    });
    expect(denied.status).toBe(400);
    const anon = await rawRequest(port, {
      path: '/gw/default/shop/',
      headers: { connection: 'Upgrade', upgrade: 'websocket' },
    });
    expect(anon.status).toBe(401);
    expect(canary.seen).toEqual([]);
  });
});
