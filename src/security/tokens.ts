// Built-in API tokens: EdDSA (Ed25519) JWTs whose validity also depends on a stored Token record.
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { ApiError } from '../model/index.js';
import { checkHeader, joseToApiError } from './jose-errors.js';
import { isRole, isTenantRole, type Principal, type PrincipalKind, type Role } from './principal.js';
import type { TokenKeyring } from './token-keys.js';
import { newTokenRecord, type TokenRecord } from './token-records.js';

export const DEFAULT_ISSUER = 'continuum';
export const DEFAULT_AUDIENCE = 'continuum-api';
export const MAX_TTL_SECONDS = 366 * 24 * 3600;
export const MAX_BOOTSTRAP_TTL_SECONDS = 24 * 3600;
export const DEFAULT_BOOTSTRAP_TTL_SECONDS = 15 * 60;

export interface IssueRequest {
  subject: string;
  role: Role;
  /** Only for tenant roles; omitted means the role applies in every tenant. */
  tenant?: string;
  ttlSeconds: number;
  kind?: PrincipalKind;
  /** Required for role `agent` (credentials and bootstrap tokens). */
  site?: string;
  /** Single-use bootstrap token: only exchangeBootstrap accepts it, once. */
  bootstrap?: boolean;
  description?: string;
}

export interface IssuedToken {
  /** The bearer token; shown to the caller once and never stored. */
  token: string;
  /** The Token object the caller must store before handing the token out. */
  record: TokenRecord;
}

export type TokenLookup = (jti: string) => Promise<TokenRecord | undefined> | TokenRecord | undefined;

export interface VerifyOptions {
  lookup: TokenLookup;
  now?: Date;
  /** `access` (default) rejects bootstrap tokens; `bootstrap` accepts only unused bootstrap tokens. */
  purpose?: 'access' | 'bootstrap';
}

export interface TokenServiceOptions {
  keyring: TokenKeyring;
  issuer?: string;
  audience?: string;
  /** Leeway for exp/nbf in seconds (default 30). */
  clockToleranceSeconds?: number;
}

const WHO = 'built-in token';

/** Parses a CLI duration such as "90d", "12h", "30m", "45s" or a plain number of seconds. */
export function parseTtl(text: string): number {
  const m = /^([0-9]+)([smhdw]?)$/.exec(text.trim());
  if (!m) throw new ApiError('BadRequest', `invalid duration ${JSON.stringify(text)} (use e.g. 30m, 12h, 90d)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/**
 * Issues and verifies built-in tokens. A token is accepted only if (1) its header passes the
 * EdDSA-only allow-list, (2) its kid is in the key ring, (3) signature, issuer, audience, exp and
 * nbf verify, and (4) its Token record exists, is not revoked, matches the claims and, for
 * bootstrap tokens, is unused. The principal is built from the record, never from claims alone.
 */
export class TokenService {
  readonly issuer: string;
  readonly audience: string;
  private readonly tolerance: number;

  constructor(private readonly opts: TokenServiceOptions) {
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.audience = opts.audience ?? DEFAULT_AUDIENCE;
    this.tolerance = opts.clockToleranceSeconds ?? 30;
  }

  /** Validates the request, signs a JWT with the primary key and returns it with its record. */
  async issue(req: IssueRequest, now = new Date()): Promise<IssuedToken> {
    checkIssueRequest(req);
    const kind: PrincipalKind = req.kind ?? (req.role === 'agent' ? 'agent' : 'user');
    const jti = randomBytes(16).toString('hex');
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + req.ttlSeconds;
    const key = this.opts.keyring.primary;
    const purpose = req.bootstrap ? 'bootstrap' : 'access';
    const token = await new SignJWT({
      role: req.role,
      pk: kind,
      pur: purpose,
      ...(req.tenant ? { tenant: req.tenant } : {}),
      ...(req.site ? { site: req.site } : {}),
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(req.subject)
      .setJti(jti)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const record = newTokenRecord(jti, {
      subject: req.subject,
      principalKind: kind,
      role: req.role,
      ...(req.tenant ? { tenant: req.tenant } : {}),
      ...(req.site ? { site: req.site } : {}),
      purpose,
      ...(req.bootstrap ? { singleUse: true } : {}),
      issuer: this.issuer,
      keyId: key.kid,
      issuedAt: iso(iat),
      notBefore: iso(iat),
      expiresAt: iso(exp),
      ...(req.description ? { description: req.description } : {}),
    });
    return { token, record };
  }

  /** True when the (unverified) token claims to come from this issuer; used to route bearer tokens. */
  ownsIssuer(iss: unknown): boolean {
    return iss === this.issuer;
  }

  /** Verifies a token and returns the caller, or throws ApiError (TokenExpired, TokenNotYetValid, TokenInvalid, TokenRevoked). */
  async verify(jwt: string, opts: VerifyOptions): Promise<Principal> {
    return (await this.verifyWithRecord(jwt, opts)).principal;
  }

  /** Like verify, also returning the Token record the decision was based on. */
  async verifyWithRecord(jwt: string, opts: VerifyOptions): Promise<{ principal: Principal; record: TokenRecord }> {
    const header = checkHeader(jwt, ['EdDSA', 'Ed25519'], WHO, true);
    const key = this.opts.keyring.publicKey(header.kid as string);
    if (!key) throw new ApiError('TokenInvalid', `unknown key id (${WHO})`);
    let payload;
    try {
      ({ payload } = await jwtVerify(jwt, key, {
        algorithms: ['EdDSA', 'Ed25519'],
        issuer: this.issuer,
        audience: this.audience,
        currentDate: opts.now ?? new Date(),
        clockTolerance: this.tolerance,
        requiredClaims: ['sub', 'jti', 'exp', 'nbf', 'iat'],
      }));
    } catch (err) {
      throw joseToApiError(err, WHO);
    }
    const jti = payload.jti as string;
    const record = await opts.lookup(jti);
    if (!record) throw new ApiError('TokenRevoked', 'token revoked (no record)');
    const s = record.spec;
    if (s.revoked) throw new ApiError('TokenRevoked', `token revoked${s.revokedAt ? ` at ${s.revokedAt}` : ''}`);
    const matches =
      record.metadata.name === jti &&
      s.subject === payload.sub &&
      s.role === payload.role &&
      s.principalKind === payload.pk &&
      s.purpose === payload.pur &&
      (s.tenant ?? undefined) === (payload.tenant ?? undefined) &&
      (s.site ?? undefined) === (payload.site ?? undefined) &&
      s.keyId === header.kid &&
      Date.parse(s.expiresAt) === (payload.exp as number) * 1000;
    if (!matches) throw new ApiError('TokenInvalid', 'token does not match its record');
    const wanted = opts.purpose ?? 'access';
    if (s.purpose !== wanted) {
      throw new ApiError(
        'TokenInvalid',
        s.purpose === 'bootstrap'
          ? 'bootstrap tokens can only be exchanged for an agent credential'
          : 'not a bootstrap token',
      );
    }
    if (s.singleUse && record.status?.usedAt)
      throw new ApiError('TokenRevoked', `single-use token already used at ${record.status.usedAt}`);
    const principal: Principal = {
      subject: s.subject,
      kind: s.principalKind,
      grants: [{ role: s.role, ...(s.tenant ? { namespace: s.tenant } : {}) }],
      tokenId: jti,
      issuer: this.issuer,
      ...(s.site ? { site: s.site } : {}),
    };
    return { principal, record };
  }
}

function checkIssueRequest(req: IssueRequest): void {
  const bad = (msg: string) => new ApiError('BadRequest', msg);
  if (!req.subject || req.subject.length > 256) throw bad('subject must be 1..256 characters');
  if (!isRole(req.role)) throw bad(`unknown role ${JSON.stringify(req.role)}`);
  if (req.tenant !== undefined && !isTenantRole(req.role))
    throw bad(`role ${req.role} is cluster-wide and takes no tenant`);
  if (!Number.isInteger(req.ttlSeconds) || req.ttlSeconds <= 0) throw bad('ttl must be a positive number of seconds');
  if (req.ttlSeconds > MAX_TTL_SECONDS) throw bad(`ttl exceeds the maximum of ${MAX_TTL_SECONDS}s`);
  const isAgent = req.role === 'agent';
  if (isAgent !== (req.site !== undefined)) throw bad('a site is required for, and only for, the agent role');
  if (isAgent && req.kind !== undefined && req.kind !== 'agent') throw bad('agent credentials have kind agent');
  if (!isAgent && req.kind === 'agent') throw bad('kind agent requires role agent');
  if (req.bootstrap && !isAgent) throw bad('bootstrap tokens are for agents only');
  if (req.bootstrap && req.ttlSeconds > MAX_BOOTSTRAP_TTL_SECONDS)
    throw bad(`bootstrap tokens expire within ${MAX_BOOTSTRAP_TTL_SECONDS}s`);
}
