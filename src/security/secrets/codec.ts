// Envelope encryption of Secret objects at rest (AES-256-GCM data key per object, wrapped by a KEK), rotation and redaction.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ApiError } from '../../model/index.js';
import type { EncryptedPayload, SecretSpec } from '../kinds.js';
import type { SecretKeyring } from './keyring.js';

/**
 * A per-kind transformation the store applies: `encode` before every write, `decode` after every
 * read. Both are pure (they return new objects) and `encode(encode(x))` equals `encode(x)`.
 */
export interface ObjectCodec {
  encode<T>(obj: T): T;
  decode<T>(obj: T): T;
}

interface SecretLike {
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec?: SecretSpec;
  status?: { keyId?: string };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const b64 = (b: Buffer) => b.toString('base64');

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: string): { iv: string; tag: string; ct: string } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv: b64(iv), tag: b64(c.getAuthTag()), ct: b64(ct) };
}

function gcmDecrypt(key: Buffer, iv: string, tag: string, ct: string, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]);
}

/** The identity a ciphertext is bound to: moving it to another Secret makes it undecryptable. */
const aadOf = (o: SecretLike) => `continuum.eu/Secret/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * The codec for the Secret kind. Stored form: spec = {type?, keys, encrypted}; `keys` lists entry
 * names only. Decoded form: spec = {type?, keys, data} with base64 values (stringData is folded
 * into data on encode, winning over data for the same key, as in Kubernetes) and status.keyId =
 * the KEK in use (dropped on encode; clearing it through updateStatus forces a re-encryption
 * under the primary KEK). The namespace and name must be final before encode: they are
 * authenticated as associated data.
 */
export class SecretCodec implements ObjectCodec {
  constructor(private readonly keyring: SecretKeyring) {}

  encode<T>(obj: T): T {
    const o = obj as unknown as SecretLike;
    const spec = o.spec ?? {};
    if (spec.encrypted && spec.data === undefined && spec.stringData === undefined) return obj;
    const data: Record<string, string> = {};
    const bad: string[] = [];
    for (const [k, v] of Object.entries(spec.data ?? {})) {
      if (typeof v !== 'string' || !BASE64.test(v)) bad.push(k);
      else data[k] = v;
    }
    if (bad.length)
      throw new ApiError(
        'Invalid',
        'Secret is invalid: spec.data values must be base64',
        bad.map((k) => ({ field: `spec.data.${k}`, message: 'must be base64' })),
      );
    for (const [k, v] of Object.entries(spec.stringData ?? {}))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    const kid = this.keyring.primaryKid;
    const kek = this.keyring.key(kid) as Buffer;
    const dek = randomBytes(32);
    const payload = gcmEncrypt(dek, Buffer.from(JSON.stringify(data), 'utf8'), aadOf(o));
    const wrapped = gcmEncrypt(kek, dek, `continuum.eu/kek/${kid}`);
    dek.fill(0);
    const encrypted: EncryptedPayload = {
      alg: 'A256GCM',
      kid,
      wrappedKey: wrapped.ct,
      wrapIv: wrapped.iv,
      wrapTag: wrapped.tag,
      iv: payload.iv,
      tag: payload.tag,
      ciphertext: payload.ct,
    };
    const { keyId: _k, ...status } = o.status ?? {};
    return {
      ...o,
      spec: { ...(spec.type !== undefined ? { type: spec.type } : {}), keys: Object.keys(data).sort(), encrypted },
      ...(o.status !== undefined ? { status } : {}),
    } as T;
  }

  decode<T>(obj: T): T {
    const o = obj as unknown as SecretLike;
    const e = o.spec?.encrypted;
    if (!e) return obj;
    const kek = this.keyring.key(e.kid);
    const where = `Secret ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (!kek) throw new ApiError('Internal', `${where} is encrypted with key ${e.kid}, which is no longer available`);
    let data: Record<string, string>;
    try {
      const dek = gcmDecrypt(kek, e.wrapIv, e.wrapTag, e.wrappedKey, `continuum.eu/kek/${e.kid}`);
      data = JSON.parse(gcmDecrypt(dek, e.iv, e.tag, e.ciphertext, aadOf(o)).toString('utf8')) as Record<
        string,
        string
      >;
      dek.fill(0);
    } catch {
      throw new ApiError('Internal', `${where} cannot be decrypted (tampered, moved, or wrong key)`);
    }
    const { encrypted: _e, ...rest } = o.spec as SecretSpec;
    return {
      ...o,
      spec: { ...rest, keys: Object.keys(data).sort(), data },
      status: { ...o.status, keyId: e.kid },
    } as T;
  }

  /** True when an object (stored form, or decoded with status.keyId) is not under the primary KEK. */
  needsReencrypt(obj: unknown): boolean {
    const o = obj as SecretLike;
    const kid = o.spec?.encrypted?.kid ?? o.status?.keyId;
    return kid !== undefined && kid !== this.keyring.primaryKid;
  }

  /** Decrypts and encrypts again with a fresh data key under the primary KEK. */
  reencrypt<T>(stored: T): T {
    return this.encode(this.decode(stored));
  }
}

/**
 * Re-encrypts every stored Secret not yet under the primary KEK and saves it (the store's update,
 * with its optimistic concurrency: a conflict means someone rewrote it, which already re-encrypted
 * it). Run after SecretKeyring.rotate(); then the old KEK can be retired.
 */
export async function rotateSecrets<T>(
  codec: SecretCodec,
  stored: Iterable<T> | AsyncIterable<T>,
  save: (obj: T) => Promise<void> | void,
): Promise<{ reencrypted: number; unchanged: number }> {
  let reencrypted = 0;
  let unchanged = 0;
  for await (const obj of stored) {
    if (!codec.needsReencrypt(obj)) {
      unchanged++;
      continue;
    }
    await save(codec.reencrypt(obj));
    reencrypted++;
  }
  return { reencrypted, unchanged };
}

/**
 * A Secret as shown to callers who may list but not read values (auditor, cloud-edge admin):
 * data, stringData and the ciphertext are removed; the entry names stay in spec.keys.
 */
export function redactSecret<T>(obj: T): T {
  const o = obj as unknown as SecretLike;
  if (!o?.spec) return obj;
  const { data, stringData, encrypted: _e, ...rest } = o.spec;
  const keys = rest.keys ?? Object.keys({ ...data, ...stringData }).sort();
  return { ...o, spec: { ...rest, keys } } as T;
}
