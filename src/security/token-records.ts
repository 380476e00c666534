// Token records (the stored side of built-in tokens): the lookup interface, revocation and update rules.
import { API_VERSION, type FieldError, type ObjectMeta } from '../model/index.js';
import type { TokenSpec, TokenStatus } from './kinds.js';

/** A Token object as created by issueToken or read back from the store; metadata.name is the jti. */
export interface TokenRecord {
  apiVersion: string;
  kind: 'Token';
  metadata: ObjectMeta;
  spec: TokenSpec;
  status?: TokenStatus;
}

/**
 * What the token layer needs from the store. `markUsed` must be an atomic compare-and-set (e.g. an
 * update guarded by resourceVersion, retried on conflict): it sets status.usedAt and returns true
 * only if the record existed, was not revoked and had no usedAt; otherwise it returns false.
 */
export interface TokenRecordStore {
  get(jti: string): Promise<TokenRecord | undefined> | TokenRecord | undefined;
  create(record: TokenRecord): Promise<void> | void;
  markUsed(jti: string, usedAt: string, exchangedFor: string): Promise<boolean> | boolean;
}

/** Reference implementation of TokenRecordStore (tests, embedded use before the store exists). */
export class MemoryTokenRecords implements TokenRecordStore {
  readonly records = new Map<string, TokenRecord>();

  get(jti: string): TokenRecord | undefined {
    return this.records.get(jti);
  }

  create(record: TokenRecord): void {
    if (this.records.has(record.metadata.name)) throw new Error(`token ${record.metadata.name} exists`);
    this.records.set(record.metadata.name, structuredClone(record));
  }

  markUsed(jti: string, usedAt: string, exchangedFor: string): boolean {
    const r = this.records.get(jti);
    if (!r || r.spec.revoked || r.status?.usedAt) return false;
    r.status = { ...r.status, usedAt, exchangedFor };
    return true;
  }

  revoke(jti: string, now: Date, reason?: string): void {
    const r = this.records.get(jti);
    if (r) this.records.set(jti, revokeTokenRecord(r, now, reason));
  }
}

export function newTokenRecord(jti: string, spec: TokenSpec): TokenRecord {
  return {
    apiVersion: API_VERSION,
    kind: 'Token',
    metadata: {
      name: jti,
      labels: {
        'continuum.eu/role': spec.role,
        ...(spec.tenant ? { 'continuum.eu/tenant': spec.tenant } : {}),
        ...(spec.site ? { 'continuum.eu/site': spec.site } : {}),
      },
    },
    spec,
    status: {},
  };
}

/** Returns a copy marked revoked (idempotent: the first revocation time and reason are kept). */
export function revokeTokenRecord(r: TokenRecord, now: Date, reason?: string): TokenRecord {
  if (r.spec.revoked) return r;
  return {
    ...r,
    spec: {
      ...r.spec,
      revoked: true,
      revokedAt: now.toISOString(),
      ...(reason ? { revokedReason: reason.slice(0, 256) } : {}),
    },
  };
}

const IMMUTABLE: (keyof TokenSpec)[] = [
  'subject',
  'principalKind',
  'role',
  'tenant',
  'site',
  'purpose',
  'singleUse',
  'issuer',
  'keyId',
  'issuedAt',
  'notBefore',
  'expiresAt',
];

/**
 * Rules for updating a stored Token record's spec: only revocation (and the description) may
 * change, and revocation is one-way (status is written by the server through updateStatus only). Returns field errors (empty = allowed); the API renders
 * them as 422 Invalid. Without this, someone allowed to revoke could un-revoke or widen a token.
 */
export function validateTokenRecordUpdate(prev: TokenRecord, next: TokenRecord): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of IMMUTABLE) {
    if (JSON.stringify(prev.spec[f]) !== JSON.stringify(next.spec[f]))
      errors.push({ field: `spec.${f}`, message: 'is immutable' });
  }
  if (prev.spec.revoked && !next.spec.revoked)
    errors.push({ field: 'spec.revoked', message: 'revocation cannot be undone' });
  if (
    prev.spec.revoked &&
    (prev.spec.revokedAt !== next.spec.revokedAt || prev.spec.revokedReason !== next.spec.revokedReason)
  ) {
    errors.push({ field: 'spec.revokedAt', message: 'is immutable once revoked' });
  }
  return errors;
}
