// Every error answer is problem+json, also those raised before routing (431, malformed URL); parameters validated alike.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false, namespaces: ['acme'] });
}, 30_000);
afterAll(() => env?.stop());

/** A raw HTTP request (no client-side URL normalisation), answered status, content type and parsed body. */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: any }> {
  const u = new URL(env.cp.url);
  return new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body });
      });
    });
    r.on('error', reject);
    r.end();
  });
}

describe('error answers over HTTP', () => {
  it.each([
    ['a malformed URL under the API', `${BASE}/namespaces/%zz/applications`],
    ['a malformed URL under the gateway', '/gw/acme/web/%zz'],
    ['a malformed URL at the root', '/%zz'],
  ])('%s is a 400 problem+json', async (_name, path) => {
    const r = await raw(path, { authorization: `Bearer ${env.adminToken}` });
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 400, code: 'BadRequest' });
  });

  it('answers oversized headers with 431 problem+json', async () => {
    const r = await raw(`${BASE}/sites`, { 'x-big': 'a'.repeat(64 * 1024) });
    expect(r.status).toBe(431);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 431, code: 'HeaderFieldsTooLarge' });
  });

  it.each([
    ['list', `${BASE}/namespaces/acme/applications?resourceVersion=abc`],
    ['watch', `${BASE}/namespaces/acme/applications?watch=true&resourceVersion=abc`],
    ['get', `${BASE}/namespaces/acme?resourceVersion=abc`],
  ])('rejects resourceVersion=abc on %s with the field named', async (_name, path) => {
    const r = await env.req(
      env.adminToken,
      'GET',
      path.replace(`${BASE}/namespaces/acme?`, `${BASE}/namespaces/acme?`),
    );
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'query.resourceVersion', message: 'must be a decimal revision' }]);
  });
});
