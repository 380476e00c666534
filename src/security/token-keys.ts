// The Ed25519 key ring that signs built-in tokens, persisted as a 0600 JSON file in the data dir.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  type JsonWebKey,
} from 'node:crypto';
import { loadOrCreateSecretFile, writeSecretFile } from './keyfile.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  createdAt: string;
}

interface StoredKey {
  kid: string;
  createdAt: string;
  jwk: JsonWebKey;
}
interface KeyFileV1 {
  version: 1;
  /** kid of the key new tokens are signed with; every listed key still verifies. */
  primary: string;
  keys: StoredKey[];
}

/** RFC 7638 thumbprint of an Ed25519 public JWK, used as the key id. */
export function ed25519Thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

function newStoredKey(now: Date): StoredKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { kid: ed25519Thumbprint(jwk), createdAt: now.toISOString(), jwk };
}

function toSigningKey(k: StoredKey): SigningKey {
  const privateKey = createPrivateKey({ key: k.jwk, format: 'jwk' });
  return { kid: k.kid, privateKey, publicKey: createPublicKey(privateKey), createdAt: k.createdAt };
}

/**
 * Signing keys for built-in tokens. Invariant: `primary` is one of `keys`. Rotation adds a new
 * primary and keeps old keys for verification until `retire`d, so issued tokens stay valid.
 */
export class TokenKeyring {
  private readonly keys = new Map<string, SigningKey>();
  private stored: KeyFileV1;

  private constructor(
    file: KeyFileV1,
    private readonly path?: string,
  ) {
    this.stored = file;
    for (const k of file.keys) this.keys.set(k.kid, toSigningKey(k));
    if (!this.keys.has(file.primary)) throw new Error('token key file: primary key missing');
  }

  /** Loads the key file or creates it (mode 0600) with one fresh key. */
  static loadOrCreate(path: string, now = new Date()): TokenKeyring {
    const text = loadOrCreateSecretFile(path, () => {
      const k = newStoredKey(now);
      return JSON.stringify({ version: 1, primary: k.kid, keys: [k] } satisfies KeyFileV1, null, 2);
    });
    return new TokenKeyring(JSON.parse(text) as KeyFileV1, path);
  }

  /** An in-memory key ring (tests, ephemeral dev servers). */
  static ephemeral(now = new Date()): TokenKeyring {
    const k = newStoredKey(now);
    return new TokenKeyring({ version: 1, primary: k.kid, keys: [k] });
  }

  get primary(): SigningKey {
    return this.keys.get(this.stored.primary) as SigningKey;
  }

  /** The public key for a kid, or undefined (→ "unknown key id"). */
  publicKey(kid: string): KeyObject | undefined {
    return this.keys.get(kid)?.publicKey;
  }

  kids(): string[] {
    return [...this.keys.keys()];
  }

  /** Public keys as a JWK Set, e.g. for partners that want to verify tokens offline. */
  jwks(): { keys: JsonWebKey[] } {
    return {
      keys: [...this.keys.values()].map((k) => ({
        ...k.publicKey.export({ format: 'jwk' }),
        kid: k.kid,
        alg: 'EdDSA',
        use: 'sig',
      })),
    };
  }

  /** Makes a new key primary and persists the file; returns the new kid. */
  rotate(now = new Date()): string {
    const k = newStoredKey(now);
    this.stored = { ...this.stored, primary: k.kid, keys: [...this.stored.keys, k] };
    this.keys.set(k.kid, toSigningKey(k));
    this.persist();
    return k.kid;
  }

  /**
   * Retires every non-primary key that stopped being primary more than `maxTtlSeconds` ago: no
   * token signed with it can still be valid. A key stopped being primary when its successor in
   * the file was created (rotation appends). Returns the retired kids.
   */
  retireExpired(maxTtlSeconds: number, now = new Date()): string[] {
    const keys = this.stored.keys;
    const gone = keys
      .filter((k, i) => k.kid !== this.stored.primary && i + 1 < keys.length)
      .filter((k) => {
        const demotedAt = Date.parse(keys[keys.indexOf(k) + 1].createdAt);
        return now.getTime() - demotedAt > maxTtlSeconds * 1000;
      })
      .map((k) => k.kid);
    for (const kid of gone) this.retire(kid);
    return gone;
  }

  /** Drops a non-primary key; tokens signed with it stop verifying ("unknown key id"). */
  retire(kid: string): void {
    if (kid === this.stored.primary) throw new Error('cannot retire the primary token signing key');
    this.stored = { ...this.stored, keys: this.stored.keys.filter((k) => k.kid !== kid) };
    this.keys.delete(kid);
    this.persist();
  }

  private persist(): void {
    if (this.path) writeSecretFile(this.path, JSON.stringify(this.stored, null, 2));
  }
}
