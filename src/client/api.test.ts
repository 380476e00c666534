// ContinuumClient against a real local HTTP server: paths and queries, apply, watch and logs streams with split UTF-8.
import { afterEach, describe, expect, it } from 'vitest';
import { API_VERSION, ApiError, SiteKind, WorkloadKind } from '../model/index.js';
import { ContinuumClient, type ClientWatchEvent } from './api.js';
import { startServer, tapClientSockets, writeSplit, type Handler, type TestServer } from './testing/server.js';

const BASE = `/apis/${API_VERSION}`;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(handler: Handler): Promise<{ s: TestServer; client: ContinuumClient }> {
  const s = await startServer(handler);
  cleanup.push(() => s.close());
  return { s, client: new ContinuumClient({ server: s.url, token: 'tok' }) };
}

function tap(): ReturnType<typeof tapClientSockets> {
  const t = tapClientSockets();
  cleanup.push(() => t.stop());
  return t;
}

const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const siteObj = (name: string, city = 'Madrid') => ({
  apiVersion: API_VERSION,
  kind: 'Site',
  metadata: { name },
  spec: { location: { country: 'ES', city } },
});

describe('ContinuumClient', () => {
  it.each([
    [
      'get a cluster object',
      (c: ContinuumClient) => c.get(SiteKind, undefined, 'mad 1'),
      'GET',
      `${BASE}/sites/mad%201`,
    ],
    [
      'get a namespaced object',
      (c: ContinuumClient) => c.get(WorkloadKind, 'team-a', 'web'),
      'GET',
      `${BASE}/namespaces/team-a/workloads/web`,
    ],
    [
      'list with selectors and paging',
      (c: ContinuumClient) => c.list(WorkloadKind, { namespace: 'n', labelSelector: 'a=b', limit: 2, continue: 'x' }),
      'GET',
      `${BASE}/namespaces/n/workloads?labelSelector=a%3Db&limit=2&continue=x`,
    ],
    [
      'list across namespaces',
      (c: ContinuumClient) => c.list(WorkloadKind, { fieldSelector: 'spec.siteName=s' }),
      'GET',
      `${BASE}/workloads?fieldSelector=spec.siteName%3Ds`,
    ],
    ['create', (c: ContinuumClient) => c.create(siteObj('s')), 'POST', `${BASE}/sites`],
    ['update', (c: ContinuumClient) => c.update(siteObj('s')), 'PUT', `${BASE}/sites/s`],
    ['update status', (c: ContinuumClient) => c.updateStatus(siteObj('s')), 'PUT', `${BASE}/sites/s/status`],
    ['delete', (c: ContinuumClient) => c.delete(SiteKind, undefined, 's'), 'DELETE', `${BASE}/sites/s`],
  ])('%s', async (_name, call, method, url) => {
    const { s, client } = await serve(answer(200, siteObj('s')));
    expect(await call(client)).toEqual(siteObj('s'));
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method, url, headers: { authorization: 'Bearer tok' } });
  });

  it('patches with a merge patch and applies with an apply patch that reports its result', async () => {
    const { s, client } = await serve(answer(200, siteObj('s'), { 'x-continuum-apply': 'unchanged' }));
    await client.patch(SiteKind, undefined, 's', { spec: { unschedulable: true } }, 'status');
    expect(await client.apply(siteObj('s'))).toEqual({ object: siteObj('s'), result: 'unchanged' });
    expect(s.requests.map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      ['PATCH', `${BASE}/sites/s/status`, 'application/merge-patch+json'],
      ['PATCH', `${BASE}/sites/s`, 'application/apply-patch+json'],
    ]);
    expect(JSON.parse(s.requests[0].body)).toEqual({ spec: { unschedulable: true } });
  });

  it('tryGet answers undefined for NotFound and throws every other error', async () => {
    const { client } = await serve((req, res) => {
      const notFound = req.url.endsWith('/gone');
      res.writeHead(notFound ? 404 : 403, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ code: notFound ? 'NotFound' : 'Forbidden', detail: 'd' }));
    });
    expect(await client.tryGet(SiteKind, undefined, 'gone')).toBeUndefined();
    await expect(client.tryGet(SiteKind, undefined, 'secret')).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('refuses an unknown kind or a wrong apiVersion before sending anything', async () => {
    const { s, client } = await serve(answer(200, {}));
    for (const obj of [
      { ...siteObj('s'), kind: 'Widget' },
      { ...siteObj('s'), apiVersion: 'continuum.io/v1' },
    ]) {
      const err = await client.create(obj).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'BadRequest', errors: [{ field: 'kind', message: 'unknown kind' }] });
    }
    expect(s.requests).toHaveLength(0);
  });

  it('streams watch events whose multibyte characters are split across network chunks', async () => {
    const t = tap();
    const events = [
      { type: 'ADDED', object: siteObj('alcala', 'Alcalá de Henares') },
      { type: 'MODIFIED', object: siteObj('eu', 'Brussels 🇪🇺 🌍') },
    ];
    const wire = Buffer.from(events.map((e, i) => `id: ${i + 1}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
    const { s, client } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(': open\n\n');
      await writeSplit(res, t, wire, wire.indexOf(Buffer.from('á')) + 1, wire.indexOf(Buffer.from('🌍')) + 2);
      res.end();
    });
    const seen: ClientWatchEvent[] = [];
    for await (const ev of client.watch(SiteKind, { resourceVersion: '5', bookmarks: true })) seen.push(ev);
    expect(seen).toEqual(events);
    expect(s.requests[0].url).toBe(`${BASE}/sites?watch=true&resourceVersion=5&allowWatchBookmarks=true`);
    expect(s.requests[0].headers.accept).toBe('text/event-stream');
  });

  it.each([
    [
      'an ERROR event',
      200,
      'data: {"type":"ERROR","object":{"code":"Gone","detail":"too old"}}\n\n',
      'Gone',
      'too old',
    ],
    [
      'an ERROR event with an unknown code',
      200,
      'data: {"type":"ERROR","object":{"code":"New"}}\n\n',
      'Internal',
      'watch error',
    ],
    ['a problem answer', 410, JSON.stringify({ code: 'Gone', detail: 'compacted' }), 'Gone', 'compacted'],
  ])('ends a watch on %s with an ApiError', async (_name, status, body, code, message) => {
    const { client } = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': status === 200 ? 'text/event-stream' : 'application/problem+json' });
      res.end(body);
    });
    const err = await (async () => {
      for await (const _ of client.watch(SiteKind, {})) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code, message });
  });

  it('streams logs whose multibyte characters are split across network chunks', async () => {
    const t = tap();
    const text = 'starting in Alcalá de Henares\nready 🌍\n';
    const bytes = Buffer.from(text);
    const { s, client } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      await writeSplit(res, t, bytes, bytes.indexOf(Buffer.from('á')) + 1, bytes.indexOf(Buffer.from('🌍')) + 3);
      res.end();
    });
    const parts: string[] = [];
    for await (const chunk of client.logs('team-a', 'web', { tailLines: 5 })) parts.push(chunk);
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(s.requests[0].url).toBe(`${BASE}/namespaces/team-a/workloads/web/logs?tailLines=5`);
  });
});
