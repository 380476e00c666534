// Before any key is loaded or created: refuse to start when keys/ is missing or unreadable but data already exists.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import type { KindDef } from '../model/index.js';
import { securityPaths } from './keyfile.js';
import { SecretKind, TokenKind } from './kinds.js';
import type { SecurityStore } from './store-bridge.js';

/** Thrown when the control plane must not start; its message says what is missing and how to restore it. */
export class MissingKeysError extends Error {
  override readonly name = 'MissingKeysError';
}

const nonEmpty = (path: string): boolean => existsSync(path) && statSync(path).size > 0;

/** Whether any object of `kind` is stored; an object that cannot even be read counts as existing. */
async function hasAny<S, T>(store: SecurityStore, kind: KindDef<S, T>): Promise<boolean> {
  try {
    return (await store.list(kind, { limit: 1 })).items.length > 0;
  } catch (e) {
    if ((e as { status?: number }).status === 503) throw e;
    return true;
  }
}

/**
 * Each key protects data that outlives it: a new token-signing key would void every issued token, a new audit key
 * would break the audit chain, a new secret key would leave every stored Secret undecryptable. So a key file may be
 * created only while nothing it protects exists yet (a fresh data dir); otherwise this throws MissingKeysError.
 * An unreadable keys/ directory or key file is refused too (never silently replaced).
 */
export async function preflightKeys(dataDir: string, store: SecurityStore): Promise<void> {
  const p = securityPaths(dataDir);
  const problems: string[] = [];
  if (existsSync(p.keysDir)) {
    try {
      accessSync(p.keysDir, constants.R_OK | constants.X_OK);
    } catch (e) {
      throw new MissingKeysError(
        `refusing to start: the key directory ${p.keysDir} cannot be read (${(e as NodeJS.ErrnoException).code}). ` +
          `Give the user running continuum access to it (chmod 700, owned by that user) and start again.`,
      );
    }
  }
  for (const file of [p.tokenKeys, p.auditKey, p.secretKeys]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      problems.push(`${file} cannot be read (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  const audit = nonEmpty(p.auditLog);
  const tokens = audit || (await hasAny(store, TokenKind));
  const secrets = await hasAny(store, SecretKind);
  const missing: Array<[string, string, boolean]> = [
    [p.tokenKeys, 'token signing key: every issued token would stop working', tokens],
    [p.auditKey, 'audit signing key: the audit chain could no longer be verified', audit],
    [p.secretKeys, 'secret encryption key: every stored Secret would be unreadable', secrets],
  ];
  for (const [file, what, needed] of missing)
    if (needed && !existsSync(file)) problems.push(`${file} is missing (${what})`);
  if (!problems.length) return;
  throw new MissingKeysError(
    `refusing to start: ${dataDir} already holds data, but ${problems.join('; ')}. ` +
      `Restore the keys/ directory from a backup of this data dir (files mode 0600, directory 0700) and start ` +
      `again; no key is generated over existing data. To start from nothing instead, move ${dataDir} away.`,
  );
}
