// The data dir's own CA and serving certificate (as k3s does): made on first start, reused, renewed before expiry.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { issueCa, issueServing } from './certs.js';

export { issueCa, issueServing } from './certs.js';

export interface LocalTls {
  /** PEM files under `<dataDir>/tls/`. */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** True when this call (re)issued the serving certificate. */
  issued: boolean;
}

const CA_DAYS = 3650;
const SERVING_DAYS = 365;
/** A serving certificate with less than this left is replaced at start. */
const RENEW_BEFORE_DAYS = 30;

/** Names the serving certificate covers: loopback, this host's name, and `host` (all local addresses for 0.0.0.0/::). */
export function servingHosts(host: string): string[] {
  const out = ['localhost', '127.0.0.1', '::1', hostname()];
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) out.push(a.address.split('%')[0]);
  } else if (host) out.push(host.replace(/^\[|\]$/g, ''));
  return [...new Set(out)];
}

function covers(cert: X509Certificate, hosts: string[]): boolean {
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);
}

const writeSecret = (path: string, pem: string): void => writeFileSync(path, pem, { mode: 0o600 });

/**
 * Makes sure `<dataDir>/tls/` holds a CA (kept for ten years: clients trust it once) and a serving certificate
 * signed by it that covers `hosts` and has more than 30 days left; otherwise issues a new serving certificate.
 */
export function ensureLocalTls(dataDir: string, hosts: string[], now = new Date()): LocalTls {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'ca.crt');
  const caKeyFile = join(dir, 'ca.key');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  if (!existsSync(caFile) || !existsSync(caKeyFile)) {
    const ca = issueCa(`continuum-ca@${Math.floor(now.getTime() / 1000)}`, CA_DAYS, now);
    writeSecret(caKeyFile, ca.keyPem);
    writeFileSync(caFile, ca.certPem);
  }
  const caCert = new X509Certificate(readFileSync(caFile));
  const caKey = createPrivateKey(readFileSync(caKeyFile));
  if (now > new Date(caCert.validTo)) throw new Error(`the CA in ${caFile} expired on ${caCert.validTo}`);
  let fresh = false;
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = new X509Certificate(readFileSync(certFile));
    const left = new Date(cert.validTo).getTime() - now.getTime();
    fresh = cert.verify(caCert.publicKey) && left > RENEW_BEFORE_DAYS * 86_400_000 && covers(cert, hosts);
  }
  if (!fresh) {
    const cn = caCert.subject.replace(/^CN=/, '');
    const s = issueServing(
      { cn, key: caKey, pub: createPublicKey(caKey) },
      'continuum-server',
      hosts,
      SERVING_DAYS,
      now,
    );
    writeSecret(keyFile, s.keyPem);
    writeFileSync(certFile, s.certPem);
  }
  return { caFile, certFile, keyFile, issued: !fresh };
}
