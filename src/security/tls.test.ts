// Tests for TLS loading and agent-side verification, using a throwaway self-signed certificate made with openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT_BYTES, clientTls, loadServerTls, serverTransportOptions } from './tls.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const OPENSSL = hasOpenssl();
const dir = mkdtempSync(join(tmpdir(), 'ctm-tls-'));
const f = (n: string) => join(dir, n);

function selfSigned(name: string, san: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
}

function get(port: number, opts: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', ...opts }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!OPENSSL)('TLS (openssl available)', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    selfSigned('server', 'IP:127.0.0.1,DNS:localhost');
    selfSigned('other', 'DNS:other.example');
    server = createServer(loadServerTls(f('server.crt'), f('server.key')), (_q, r) => void r.writeHead(200).end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an agent that trusts the server certificate connect', async () => {
    expect(await get(port, clientTls({ caFile: f('server.crt') }))).toBe(200);
  });

  it.each([
    ['without the CA', () => clientTls()],
    ['trusting a different certificate', () => clientTls({ caFile: f('other.crt') })],
    ['under the wrong server name', () => clientTls({ caFile: f('server.crt'), servername: 'evil.example' })],
  ])('makes an agent refuse the server %s', async (_n, opts) => {
    await expect(get(port, opts())).rejects.toThrow(/self[- ]signed|certificate|altnames|Hostname/i);
  });

  it('refuses mismatched, expired or malformed material with a clear message', () => {
    expect(() => loadServerTls(f('server.crt'), f('other.key'))).toThrow(/does not match/);
    expect(() => loadServerTls(f('server.crt'), f('server.key'), new Date(Date.now() + 10 * 86400_000))).toThrow(
      /expired/,
    );
    expect(() => loadServerTls(f('server.key'), f('server.key'))).toThrow(/not a PEM certificate/);
    expect(() => loadServerTls(f('server.crt'), f('server.crt'))).toThrow(/not a PEM private key/);
  });

  it('builds fastify transport options', () => {
    const tls = loadServerTls(f('server.crt'), f('server.key'));
    expect(serverTransportOptions({ tls })).toEqual({ https: tls, bodyLimit: DEFAULT_BODY_LIMIT_BYTES });
    expect(serverTransportOptions({ bodyLimit: 10 })).toEqual({ https: null, bodyLimit: 10 });
    expect(readFileSync(f('server.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});

describe.skipIf(OPENSSL)('TLS (openssl missing)', () => {
  it.skip('needs openssl to create a throwaway certificate', () => {});
});
