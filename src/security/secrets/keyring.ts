// Key-encryption keys (KEKs) for Secrets: AES-256 keys in a 0600 JSON file in the data dir, rotatable.
import { randomBytes } from 'node:crypto';
import { loadOrCreateSecretFile, writeSecretFile } from '../keyfile.js';

interface StoredKek {
  kid: string;
  createdAt: string;
  /** 32 random bytes, base64. */
  key: string;
}
interface KekFileV1 {
  version: 1;
  primary: string;
  keys: StoredKek[];
}

function newKek(now: Date): StoredKek {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return {
    kid: `kek-${stamp}-${randomBytes(4).toString('hex')}`,
    createdAt: now.toISOString(),
    key: randomBytes(32).toString('base64'),
  };
}

/**
 * The KEKs. Invariant: the primary is one of the keys; new data keys are wrapped with the primary,
 * and every listed key still unwraps. Retire an old key only after rotateSecrets() has re-encrypted
 * every object that uses it.
 */
export class SecretKeyring {
  private file: KekFileV1;
  private readonly keys = new Map<string, Buffer>();

  private constructor(
    file: KekFileV1,
    private readonly path?: string,
  ) {
    this.file = file;
    for (const k of file.keys) this.keys.set(k.kid, Buffer.from(k.key, 'base64'));
    if (!this.keys.has(file.primary) || this.keys.get(file.primary)?.length !== 32)
      throw new Error('secret key file: primary key missing or not 256 bits');
  }

  static loadOrCreate(path: string, now = new Date()): SecretKeyring {
    const text = loadOrCreateSecretFile(path, () => {
      const k = newKek(now);
      return JSON.stringify({ version: 1, primary: k.kid, keys: [k] } satisfies KekFileV1, null, 2);
    });
    return new SecretKeyring(JSON.parse(text) as KekFileV1, path);
  }

  static ephemeral(now = new Date()): SecretKeyring {
    const k = newKek(now);
    return new SecretKeyring({ version: 1, primary: k.kid, keys: [k] });
  }

  get primaryKid(): string {
    return this.file.primary;
  }

  /** The KEK bytes for a kid, or undefined when it was retired or never existed. */
  key(kid: string): Buffer | undefined {
    return this.keys.get(kid);
  }

  kids(): string[] {
    return [...this.keys.keys()];
  }

  /** Adds a new primary KEK, persists, and returns its kid. Old KEKs keep decrypting. */
  rotate(now = new Date()): string {
    const k = newKek(now);
    this.file = { ...this.file, primary: k.kid, keys: [...this.file.keys, k] };
    this.keys.set(k.kid, Buffer.from(k.key, 'base64'));
    this.persist();
    return k.kid;
  }

  retire(kid: string): void {
    if (kid === this.file.primary) throw new Error('cannot retire the primary secret key');
    this.file = { ...this.file, keys: this.file.keys.filter((k) => k.kid !== kid) };
    this.keys.delete(kid);
    this.persist();
  }

  private persist(): void {
    if (this.path) writeSecretFile(this.path, JSON.stringify(this.file, null, 2));
  }
}
