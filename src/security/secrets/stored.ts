// Secret key rotation over the object store: re-encrypt every stored Secret under the primary key, and count keys in use.
import { isApiError } from '../../model/index.js';
import { SecretKind, type Secret } from '../kinds.js';
import type { SecurityStore } from '../store-bridge.js';
import { SecretCodec } from './codec.js';
import type { SecretKeyring } from './keyring.js';

async function* allSecrets(store: SecurityStore): AsyncIterable<Secret> {
  let cont: string | undefined;
  do {
    const page = await store.list(SecretKind, { limit: 200, ...(cont ? { continue: cont } : {}) });
    yield* page.items;
    cont = page.continue;
  } while (cont);
}

/**
 * Rewrites every Secret not under the primary KEK through `updateStatus` (clearing status.keyId
 * makes the codec encrypt again with a fresh data key; generation does not change). A Conflict
 * or NotFound means a concurrent write already re-encrypted or removed it. Returns how many were
 * rewritten.
 */
export async function reencryptStoredSecrets(store: SecurityStore, keyring: SecretKeyring): Promise<number> {
  const codec = new SecretCodec(keyring);
  let n = 0;
  for await (const o of allSecrets(store)) {
    if (!codec.needsReencrypt(o)) continue;
    try {
      await store.updateStatus(SecretKind, { ...o, status: {} });
      n++;
    } catch (e) {
      if (!isApiError(e, 'Conflict') && !isApiError(e, 'NotFound')) throw e;
    }
  }
  return n;
}

/** How many stored Secrets each KEK protects (a KEK absent here can be retired). */
export async function secretKeyUsage(store: SecurityStore): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for await (const o of allSecrets(store)) {
    const kid = o.status?.keyId ?? 'unknown';
    usage[kid] = (usage[kid] ?? 0) + 1;
  }
  return usage;
}
