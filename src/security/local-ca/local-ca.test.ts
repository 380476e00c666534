// The data dir's CA: certificates Node's and OpenSSL's verifiers accept, a real TLS handshake, reuse and renewal.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls, servingHosts } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'ctm-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const x509 = (f: string) => new X509Certificate(readFileSync(f));

function get(port: number, ca?: Buffer, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = request({ host, port, path: '/', ...(ca ? { ca } : {}), servername: 'localhost' }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => resolve(b));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('local CA', () => {
  it('issues a CA and a serving certificate for loopback that verify and serve TLS', async () => {
    const t = ensureLocalTls(dir, servingHosts('127.0.0.1'));
    expect(t.issued).toBe(true);
    const ca = x509(t.caFile);
    const cert = x509(t.certFile);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('10.1.2.3')).toBeUndefined();
    expect(statSync(join(dir, 'tls', 'ca.key')).mode & 0o077).toBe(0);
    expect(statSync(t.keyFile).mode & 0o077).toBe(0);
    try {
      const out = execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', t.caFile, t.certFile]);
      expect(out.toString()).toContain('OK');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const server = createServer({ cert: readFileSync(t.certFile), key: readFileSync(t.keyFile) }, (_q, s) =>
      s.end('hello'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      expect(await get(port, readFileSync(t.caFile))).toBe('hello');
      // Not trusted without the CA.
      await expect(get(port)).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
    } finally {
      server.close();
    }
  });

  it('reuses both while valid; renews the serving certificate near expiry or for new names, keeping the CA', () => {
    const first = ensureLocalTls(dir, servingHosts('127.0.0.1'));
    expect(first.issued).toBe(false);
    const caPem = readFileSync(first.caFile, 'utf8');
    const serial = x509(first.certFile).serialNumber;
    const later = new Date(Date.now() + 340 * 86_400_000);
    expect(ensureLocalTls(dir, servingHosts('127.0.0.1'), later).issued).toBe(true);
    expect(x509(first.certFile).serialNumber).not.toBe(serial);
    expect(readFileSync(first.caFile, 'utf8')).toBe(caPem);
    const wider = ensureLocalTls(dir, servingHosts('192.0.2.7'));
    expect(wider.issued).toBe(true);
    expect(x509(wider.certFile).checkIP('192.0.2.7')).toBe('192.0.2.7');
    expect(x509(wider.certFile).verify(x509(wider.caFile).publicKey)).toBe(true);
  });
});
