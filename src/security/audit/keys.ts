// The audit signing key: an Ed25519 key pair kept as a 0600 PKCS#8 PEM file in the data dir.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadOrCreateSecretFile } from '../keyfile.js';

export interface AuditKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Loads the audit key from `path`, creating it on first use. */
export function loadOrCreateAuditKey(path: string): AuditKeyPair {
  const pem = loadOrCreateSecretFile(path, () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`audit key ${path} is not an Ed25519 key`);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function ephemeralAuditKey(): AuditKeyPair {
  return generateKeyPairSync('ed25519');
}

/** Reads a public key (SPKI PEM) or derives it from a private key file, for `continuum audit verify`. */
export function readAuditPublicKey(path: string): KeyObject {
  const pem = readFileSync(path, 'utf8');
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 key`);
  return key;
}

/** The public half as PEM, for handing to auditors who verify exports elsewhere. */
export const publicKeyPem = (k: KeyObject): string => k.export({ format: 'pem', type: 'spki' }).toString();
