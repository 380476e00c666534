// External OpenID Connect issuers: verifies their JWTs against a cached remote JWKS and maps claims to a Principal.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ApiError, NAME_PATTERN } from '../model/index.js';
import { checkHeader, joseToApiError } from './jose-errors.js';
import { isRole, isTenantRole, type Grant, type Principal, type Role } from './principal.js';

export interface OidcIssuerConfig {
  /** Short name: prefixes subjects ("<name>:<sub>") and appears in messages. */
  name: string;
  /** Must equal the token's `iss` exactly. */
  issuer: string;
  jwksUri: string;
  /** Accepted `aud` value(s); at least one must match. */
  audience: string | string[];
  /** Accepted signing algorithms (default RS256, PS256, ES256, EdDSA); HMAC and none are never accepted. */
  algorithms?: string[];
  /** Claim paths (dotted, or a literal claim name such as a URL) for each Principal field. */
  claims?: { subject?: string; roles?: string; tenant?: string; groups?: string };
  /** External role names → Continuum roles. Names that already are Continuum roles map to themselves. */
  roleMap?: Record<string, Role>;
  /** Roles this issuer may confer (default: all but admin and agent). */
  allowedRoles?: Role[];
  /** Subject prefix; default "<name>:" so that no external user can impersonate a built-in subject. */
  subjectPrefix?: string;
  clockToleranceSeconds?: number;
  /** JWKS fetching: cache age, refetch cooldown for unknown kids, request timeout (ms). */
  jwks?: { cacheMaxAgeMs?: number; cooldownMs?: number; timeoutMs?: number };
  /** Optional deny list, e.g. for tokens of users removed before the token expires. */
  isRevoked?: (payload: JWTPayload) => boolean | Promise<boolean>;
}

const DEFAULT_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const DEFAULT_ALLOWED: Role[] = ['infrastructure-admin', 'cloud-edge-admin', 'use-case-admin', 'end-user', 'auditor'];
const TENANT_RE = new RegExp(NAME_PATTERN);

/** Reads a claim by literal name first (claims may be URLs), then by dotted path. */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (path in payload) return payload[path];
  let cur: unknown = payload;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A claim as a list of strings: arrays as is, strings split on spaces or commas. */
function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * Verifies tokens of one external issuer. The JWKS is fetched lazily, cached, and refetched (at
 * most once per cooldown) when a token names an unknown kid, so issuer key rotation just works.
 * Claim mapping is deny-by-default: unknown or disallowed roles are dropped, tenant roles without
 * a (valid) tenant claim are dropped rather than widened to every tenant.
 */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];

  constructor(readonly config: OidcIssuerConfig) {
    this.algorithms = (config.algorithms ?? DEFAULT_ALGS).filter((a) => !/^HS|^none$/i.test(a));
    this.jwks = createRemoteJWKSet(new URL(config.jwksUri), {
      cacheMaxAge: config.jwks?.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: config.jwks?.cooldownMs ?? 30_000,
      timeoutDuration: config.jwks?.timeoutMs ?? 5_000,
    });
  }

  get issuer(): string {
    return this.config.issuer;
  }

  /** Verifies `jwt` and returns the mapped principal, or throws ApiError (401 codes; 503 if the JWKS is unreachable). */
  async verify(jwt: string, now = new Date()): Promise<Principal> {
    const who = `issuer ${this.config.name}`;
    checkHeader(jwt, this.algorithms, who, false);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, this.jwks, {
        algorithms: this.algorithms,
        issuer: this.config.issuer,
        audience: this.config.audience,
        currentDate: now,
        clockTolerance: this.config.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw joseToApiError(err, who);
    }
    if (this.config.isRevoked && (await this.config.isRevoked(payload)))
      throw new ApiError('TokenRevoked', `token revoked (${who})`);
    return this.toPrincipal(payload);
  }

  /** Claim mapping (exported for tests and for `continuum auth whoami` explanations). */
  toPrincipal(payload: JWTPayload): Principal {
    const c = this.config.claims ?? {};
    const rawSub = claimAt(payload, c.subject ?? 'sub');
    if (typeof rawSub !== 'string' || rawSub === '')
      throw new ApiError('TokenInvalid', `claim ${c.subject ?? 'sub'} missing (issuer ${this.config.name})`);
    const allowed = new Set(this.config.allowedRoles ?? DEFAULT_ALLOWED);
    const roles = new Set<Role>();
    for (const name of c.roles ? strings(claimAt(payload, c.roles)) : []) {
      const role = this.config.roleMap?.[name] ?? (isRole(name) ? name : undefined);
      if (role && allowed.has(role) && role !== 'agent') roles.add(role);
    }
    const tenants = c.tenant
      ? strings(claimAt(payload, c.tenant)).filter((t) => t.length <= 63 && TENANT_RE.test(t))
      : [];
    const grants: Grant[] = [];
    for (const role of roles) {
      if (isTenantRole(role)) for (const t of tenants) grants.push({ role, namespace: t });
      else grants.push({ role });
    }
    const groups = c.groups ? strings(claimAt(payload, c.groups)) : [];
    return {
      subject: `${this.config.subjectPrefix ?? `${this.config.name}:`}${rawSub}`,
      kind: 'user',
      grants,
      issuer: this.config.issuer,
      ...(typeof payload.jti === 'string' ? { tokenId: `${this.config.name}:${payload.jti}` } : {}),
      ...(groups.length ? { groups } : {}),
    };
  }
}
