// A minimal Security for unit tests of the HTTP layer: one static admin bearer token, everything allowed for it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../model/index.js';
import type { AuditEntry, Caller, Security, Visibility } from '../../security/port.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Minimal security: one static admin bearer token, everything allowed for it, nothing for others. */
export class StaticTokenSecurity implements Security {
  private readonly digest: Buffer;
  constructor(adminToken: string) {
    this.digest = sha256(adminToken);
  }
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Caller> {
    const h = headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new ApiError('Unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
    if (!timingSafeEqual(sha256(m[1]), this.digest)) throw new ApiError('TokenInvalid', 'token not recognised');
    return { subject: 'admin', kind: 'user' };
  }
  async authorize(): Promise<void> {}
  async authorizeNonResource(): Promise<void> {}
  async visibility(): Promise<Visibility> {
    return { namespaces: 'all' };
  }
  rateLimit(): void {}
  audit(_entry: AuditEntry, _caller?: Caller): void | Promise<unknown> {}
  redact(_c: Caller, obj: Record<string, any>): Record<string, any> {
    return obj;
  }
}
