// The application gateway forwards to a deployment's serving endpoint and follows it when it moves.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, NamespaceKind } from '../model/index.js';
import { deployment, namespace } from '../model/testing/index.js';
import { Store, SqliteBackend } from '../store/index.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';

const auth = { authorization: 'Bearer t' };
let app: FastifyInstance;
let store: Store;
const upstreams: Server[] = [];

async function upstream(name: string): Promise<string> {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ name, method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }),
      );
    });
  });
  upstreams.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

async function setEndpoints(eps: Array<{ component: string; url: string }>): Promise<void> {
  const d = (await store.get(DeploymentKind, 'default', 'shop'))!;
  await store.updateStatus(DeploymentKind, { ...d, status: { phase: 'Running', endpoints: eps } });
}

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  await store.create(NamespaceKind, namespace('default'));
  await store.create(DeploymentKind, deployment('default', 'shop'));
  app = await createApiServer({ store, security: new StaticTokenSecurity('t'), version: 'test' });
});
afterAll(async () => {
  await app.close();
  await store.close();
  for (const s of upstreams) s.close();
});

describe('gateway', () => {
  it("forwards method, path, query and body to the serving endpoint, never the caller's token", async () => {
    await setEndpoints([
      { component: 'frontend', url: await upstream('a') },
      { component: 'admin', url: await upstream('admin') },
    ]);
    const r = await app.inject({
      method: 'POST',
      url: '/gw/default/shop/cart/items?x=1',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ name: 'a', method: 'POST', url: '/cart/items?x=1', body: 'hello', auth: null });
    expect((await app.inject({ url: '/gw/default/shop/~admin/x', headers: auth })).json()).toMatchObject({
      name: 'admin',
      url: '/x',
    });
  });

  it('follows the endpoint when the deployment moves, and says so when none serves', async () => {
    await setEndpoints([{ component: 'frontend', url: await upstream('b') }]);
    expect((await app.inject({ url: '/gw/default/shop/', headers: auth })).json().name).toBe('b');
    await setEndpoints([
      { component: 'frontend', url: 'http://127.0.0.1:1' },
      { component: 'frontend', url: await upstream('c') },
    ]);
    expect((await app.inject({ url: '/gw/default/shop/', headers: auth })).json().name).toBe('c');
    await setEndpoints([]);
    const none = await app.inject({ url: '/gw/default/shop/', headers: auth });
    expect(none.statusCode).toBe(503);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect((await app.inject({ url: '/gw/default/nope/', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ url: '/gw/default/shop/' })).statusCode).toBe(401);
  });
});
