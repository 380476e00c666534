// The audit record format: what an entry holds, canonical JSON, the hash chain and the Ed25519 signature.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { redactText } from '../redact.js';

export type Outcome = 'allowed' | 'denied' | 'error';

/** What the API layer appends: who did what to which object, and how it ended. */
export interface AuditEntry {
  /** ISO time; defaults to the log's clock. */
  time?: string;
  requestId: string;
  /** The client's X-Request-Id, when it sent one. */
  clientRequestId?: string;
  actor: { subject: string; kind?: string; tokenId?: string; roles?: string[]; site?: string; ip?: string };
  /** The verb ("create", "update/status", "get/logs"), or an operation such as "authenticate" or "token:create". */
  action: string;
  resource?: { kind: string; namespace?: string; name?: string; subresource?: string };
  /** For non-resource routes. */
  path?: string;
  outcome: Outcome;
  /** HTTP status returned. */
  status: number;
  /** ApiError code for failures (e.g. TokenExpired, Forbidden). */
  code?: string;
  reason?: string;
  /** A summary record: the number of like refusals it stands for (they were not recorded one by one). */
  count?: number;
}

/**
 * A stored record: the entry plus `seq` (0-based position), `prev` (hash of the previous record,
 * GENESIS for the first), `hash` (sha256 hex of the canonical JSON of every other field) and
 * `sig` (base64url Ed25519 signature of the 32 hash bytes).
 */
export interface AuditRecord extends AuditEntry {
  time: string;
  seq: number;
  prev: string;
  hash: string;
  sig: string;
}

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted recursively and undefined members dropped: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function hashRecord(
  rec: Omit<AuditRecord, 'hash' | 'sig'> & Partial<Pick<AuditRecord, 'hash' | 'sig'>>,
): string {
  const { hash: _h, sig: _s, ...body } = rec;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export const signHash = (hash: string, key: KeyObject): string =>
  sign(null, Buffer.from(hash, 'hex'), key).toString('base64url');
export const verifyHash = (hash: string, sig: string, key: KeyObject): boolean => {
  try {
    return verify(null, Buffer.from(hash, 'hex'), key, Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
};

/** Identifiers are only bounded; free text (reason, path) is also redacted. */
const cut = (s: string | undefined, n: number) => (s === undefined ? undefined : String(s).slice(0, n));
const text = (s: string | undefined, n: number) => (s === undefined ? undefined : redactText(String(s)).slice(0, n));

/**
 * Keeps only the known fields of an entry, bounded in size, with free text passed through
 * redaction, so a caller cannot smuggle request bodies, tokens or secret values into the log.
 */
export function sanitizeEntry(e: AuditEntry, now: Date): Omit<AuditRecord, 'seq' | 'prev' | 'hash' | 'sig'> {
  const a = e.actor;
  return {
    time: e.time ?? now.toISOString(),
    requestId: String(e.requestId).slice(0, 128),
    ...(e.clientRequestId ? { clientRequestId: cut(e.clientRequestId, 128) } : {}),
    actor: {
      subject: cut(a.subject, 256) ?? 'anonymous',
      ...(a.kind ? { kind: cut(a.kind, 32) } : {}),
      ...(a.tokenId ? { tokenId: cut(a.tokenId, 128) } : {}),
      ...(a.roles ? { roles: a.roles.slice(0, 32).map((r) => cut(r, 128) as string) } : {}),
      ...(a.site ? { site: cut(a.site, 63) } : {}),
      ...(a.ip ? { ip: cut(a.ip, 64) } : {}),
    },
    action: cut(e.action, 64) as string,
    ...(e.resource
      ? {
          resource: {
            kind: cut(e.resource.kind, 64) as string,
            ...(e.resource.namespace ? { namespace: cut(e.resource.namespace, 253) } : {}),
            ...(e.resource.name ? { name: cut(e.resource.name, 253) } : {}),
            ...(e.resource.subresource ? { subresource: cut(e.resource.subresource, 32) } : {}),
          },
        }
      : {}),
    ...(e.path ? { path: text(e.path, 1024) } : {}),
    outcome: e.outcome,
    status: Math.trunc(e.status),
    ...(e.code ? { code: cut(e.code, 64) } : {}),
    ...(e.reason ? { reason: text(e.reason, 1024) } : {}),
    ...(Number.isSafeInteger(e.count) && (e.count as number) >= 0 ? { count: e.count } : {}),
  };
}

/** The signed pointer to the newest record; lets verify notice records cut off the end of the log. */
export interface AuditHead {
  seq: number;
  hash: string;
  time: string;
  sig: string;
}

const headDigest = (h: Omit<AuditHead, 'sig'>): string =>
  createHash('sha256')
    .update(canonicalJson({ type: 'continuum-audit-head', seq: h.seq, hash: h.hash, time: h.time }))
    .digest('hex');

export function signHead(seq: number, hash: string, time: string, key: KeyObject): AuditHead {
  return { seq, hash, time, sig: signHash(headDigest({ seq, hash, time }), key) };
}

export function verifyHeadSig(h: AuditHead, key: KeyObject): boolean {
  return (
    Number.isInteger(h.seq) &&
    typeof h.hash === 'string' &&
    typeof h.sig === 'string' &&
    verifyHash(headDigest(h), h.sig, key)
  );
}
