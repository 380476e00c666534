// Transport settings: loading and checking TLS material for the server, trust settings for agents, body limits.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';

/** Default maximum request body (fastify `bodyLimit`); larger bodies get 413 PayloadTooLarge. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Oldest protocol version offered or accepted. */
export const MIN_TLS_VERSION = 'TLSv1.2' as const;

export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  minVersion: typeof MIN_TLS_VERSION;
}

/**
 * Reads `--tls-cert` / `--tls-key` and fails early with a clear message when the files are
 * unreadable, the key does not belong to the certificate, or the certificate is outside its
 * validity period (at `now`). The result can be passed as fastify's `https` option.
 */
export function loadServerTls(certFile: string, keyFile: string, now = new Date()): ServerTls {
  const cert = readFileSync(certFile);
  const key = readFileSync(keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`--tls-cert ${certFile} is not a PEM certificate`);
  }
  let pub: string;
  try {
    pub = createPublicKey(createPrivateKey(key)).export({ format: 'pem', type: 'spki' }).toString();
  } catch {
    throw new Error(`--tls-key ${keyFile} is not a PEM private key`);
  }
  if (x509.publicKey.export({ format: 'pem', type: 'spki' }).toString() !== pub)
    throw new Error(`--tls-key ${keyFile} does not match --tls-cert ${certFile}`);
  if (now < new Date(x509.validFrom)) throw new Error(`--tls-cert ${certFile} is not valid before ${x509.validFrom}`);
  if (now > new Date(x509.validTo)) throw new Error(`--tls-cert ${certFile} expired on ${x509.validTo}`);
  return { cert, key, minVersion: MIN_TLS_VERSION };
}

/** fastify server options for transport: HTTPS when TLS material is given, and the body size limit. */
export function serverTransportOptions(o: { tls?: ServerTls; bodyLimit?: number }): {
  https: ServerTls | null;
  bodyLimit: number;
} {
  return { https: o.tls ?? null, bodyLimit: o.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES };
}

/**
 * TLS options for agents and the CLI dialling the server (node:https request options). The
 * server is always verified: against `caFile` when given (a private CA or the server's
 * self-signed certificate), else against the system trust store. There is no switch to turn
 * verification off here on purpose.
 */
export function clientTls(
  o: { caFile?: string; servername?: string } = {},
): SecureContextOptions & { rejectUnauthorized: true; servername?: string; minVersion: typeof MIN_TLS_VERSION } {
  return {
    rejectUnauthorized: true,
    minVersion: MIN_TLS_VERSION,
    ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
    ...(o.servername ? { servername: o.servername } : {}),
  };
}
