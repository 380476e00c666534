// HttpClient against a real local HTTP server: JSON and YAML bodies, problem documents, transport failures, timeouts, UTF-8.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/index.js';
import { ApiError } from '../model/index.js';
import { HttpClient, readAll, TransportError } from './http.js';
import { isConnectionError } from './retry.js';
import { startServer, tapClientSockets, writeSplit, type Handler, type TestServer } from './testing/server.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(handler: Handler): Promise<TestServer> {
  const s = await startServer(handler);
  cleanup.push(() => s.close());
  return s;
}

const json = (status: number, body: unknown, type = 'application/json'): Handler => {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
};

describe('HttpClient', () => {
  it('sends JSON with the token and parses a JSON answer', async () => {
    const s = await serve(json(201, { kind: 'Site', metadata: { name: 'mad-1' } }));
    const c = new HttpClient({ server: s.url, token: 't0k', userAgent: 'ua-test' });
    const r = await c.json('POST', '/apis/x/sites', { kind: 'Site', metadata: { name: 'Alcalá' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ kind: 'Site', metadata: { name: 'mad-1' } });
    expect(r.headers['content-type']).toBe('application/json');
    const [req] = s.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/apis/x/sites' });
    expect(req.headers).toMatchObject({
      authorization: 'Bearer t0k',
      'user-agent': 'ua-test',
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(req.body)),
    });
    expect(JSON.parse(req.body)).toEqual({ kind: 'Site', metadata: { name: 'Alcalá' } });
  });

  it('answers an empty 2xx body with undefined and sends no token when it has none', async () => {
    const s = await serve((_req, res) => res.writeHead(204).end());
    const r = await new HttpClient({ server: s.url }).json('DELETE', '/x');
    expect(r).toMatchObject({ status: 204, body: undefined });
    expect(s.requests[0].headers.authorization).toBeUndefined();
  });

  it('sends a YAML body verbatim and reads a YAML answer', async () => {
    const yaml = 'kind: Site\nmetadata:\n  name: alcala\nspec:\n  location: {city: Alcalá de Henares}\n';
    const s = await serve(json(200, yaml, 'application/yaml'));
    const c = new HttpClient({ server: s.url });
    const res = await c.raw('PATCH', '/apis/x/sites/alcala', yaml, {
      'content-type': 'application/apply-patch+yaml',
      accept: 'application/yaml',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/yaml');
    expect(await readAll(res.body)).toBe(yaml);
    expect(s.requests[0].body).toBe(yaml);
    expect(s.requests[0].headers).toMatchObject({
      'content-type': 'application/apply-patch+yaml',
      accept: 'application/yaml',
      'content-length': String(Buffer.byteLength(yaml)),
    });
  });

  it.each([
    [
      'a problem document with field errors',
      422,
      { code: 'Invalid', detail: 'spec.x is wrong', errors: [{ field: 'spec.x', message: 'must be a number' }] },
      'application/problem+json',
      {
        code: 'Invalid',
        status: 422,
        message: 'spec.x is wrong',
        errors: [{ field: 'spec.x', message: 'must be a number' }],
      },
    ],
    [
      'a conflict',
      409,
      { code: 'Conflict', detail: 'stale resourceVersion' },
      'application/problem+json',
      { code: 'Conflict', status: 409, message: 'stale resourceVersion', errors: [] },
    ],
    [
      'a code this client does not know',
      422,
      { code: 'SomethingNew', detail: 'from a newer server', errors: [{ field: 'a', message: 'b' }] },
      'application/problem+json',
      { code: 'BadRequest', status: 400, message: 'from a newer server', errors: [{ field: 'a', message: 'b' }] },
    ],
    ['an HTML 404', 404, '<h1>no</h1>', 'text/html', { code: 'NotFound', message: 'HTTP 404: <h1>no</h1>' }],
    ['a bare 401', 401, '', 'text/plain', { code: 'Unauthorized', message: 'HTTP 401: ' }],
    ['a bare 403', 403, 'no', 'text/plain', { code: 'Forbidden' }],
    [
      'a proxy 502',
      502,
      'Bad Gateway',
      'text/plain',
      { code: 'Internal', status: 500, message: 'HTTP 502: Bad Gateway' },
    ],
    ['a bare 400', 400, '{"weird":true}', 'application/json', { code: 'BadRequest' }],
  ])('turns %s into an ApiError', async (_name, status, body, type, want) => {
    const s = await serve(json(status, body, type));
    const err = await new HttpClient({ server: s.url }).json('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject(want);
  });

  it('reports a refused connection as a TransportError naming the server', async () => {
    const s = await startServer(json(200, {}));
    await s.close();
    const err = await new HttpClient({ server: s.url }).json('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).message).toMatch(new RegExp(`^cannot reach ${s.url}: .*ECONNREFUSED`));
    expect((err as TransportError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isConnectionError(err)).toBe(true);
  });

  it('reports a dropped connection as a TransportError with the plain-HTTP hint', async () => {
    const s = await serve((_req, res) => res.socket?.destroy());
    const err = await new HttpClient({ server: s.url }).json('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('(is the server using HTTPS? use an https:// URL)');
  });

  it('gives up on a server that never answers after timeoutMs', async () => {
    const s = await serve(() => undefined);
    const err = await new HttpClient({ server: s.url, timeoutMs: 150 }).json('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/^cannot reach .*: timed out after 150 ms$/);
    expect(isConnectionError(err)).toBe(true);
  });

  it('gives up on an answer that stalls midway after timeoutMs', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"half":');
    });
    const err = await new HttpClient({ server: s.url, timeoutMs: 150 }).json('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isConnectionError(err)).toBe(true);
  });

  it('rejects with the abort reason, not a TransportError, when the caller aborts', async () => {
    const s = await serve(() => undefined);
    const ac = new AbortController();
    const pending = new HttpClient({ server: s.url }).raw('GET', '/x', undefined, {}, ac.signal);
    await waitFor(() => s.requests.length > 0, 'the server to receive the request');
    ac.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TransportError);
    expect((err as Error).name).toBe('AbortError');
  });

  it.each([
    ['a 2-byte character', 'Alcalá de Henares', 'á', 1],
    ['a 4-byte emoji after 1 byte', 'site 🌍 eu', '🌍', 1],
    ['a 4-byte emoji after 3 bytes', 'site 🌍 eu', '🌍', 3],
  ])('decodes %s split across two network chunks of a JSON body', async (_name, city, char, into) => {
    const tap = tapClientSockets();
    cleanup.push(() => tap.stop());
    const bytes = Buffer.from(JSON.stringify({ spec: { location: { city } } }));
    const cut = bytes.indexOf(Buffer.from(char)) + into;
    const s = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      await writeSplit(res, tap, bytes, cut);
      res.end();
    });
    const r = await new HttpClient({ server: s.url }).json('GET', '/x');
    expect(r.body.spec.location.city).toBe(city);
  });
});
