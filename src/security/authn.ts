// The authentication front door: public paths, bearer parsing, routing a token to its verifier, binding expansion.
import { decodeJwt } from 'jose';
import { ApiError } from '../model/index.js';
import type { OidcVerifier } from './oidc.js';
import type { Principal } from './principal.js';
import type { BindingIndex } from './rbac/bindings.js';
import type { TokenLookup, TokenService } from './tokens.js';

/** Routes served without authentication (exact paths; query strings are ignored). */
export const PUBLIC_PATHS: readonly string[] = ['/healthz', '/readyz', '/version'];

export function isPublicPath(url: string): boolean {
  const path = url.split('?')[0].split('#')[0];
  return PUBLIC_PATHS.includes(path);
}

export interface AuthenticatorOptions {
  tokens: TokenService;
  /** Reads Token records (the store); a missing record means revoked. */
  lookup: TokenLookup;
  oidc?: OidcVerifier[];
  /** When given, grants from RoleBindings/ClusterRoleBindings are added to every non-agent principal. */
  bindings?: BindingIndex;
}

/** Adds the RFC 6750 challenge header to 401s so clients know to (re)authenticate. */
function challenge(err: ApiError): ApiError {
  if (err.status !== 401) return err;
  const error = err.code === 'Unauthorized' ? '' : ' error="invalid_token",';
  const desc = err.message.replace(/["\\]/g, '');
  return new ApiError(err.code, err.message, err.errors, {
    ...err.headers,
    'WWW-Authenticate': `Bearer realm="continuum",${error} error_description="${desc}"`,
  });
}

/**
 * Turns an Authorization header into a Principal or throws an ApiError (401 Unauthorized for a
 * missing or non-bearer credential, TokenExpired / TokenNotYetValid / TokenInvalid /
 * TokenRevoked for a bad token, 503 when an OIDC key set is unreachable). The unverified `iss`
 * claim only selects the verifier; the chosen verifier checks it again.
 */
export class Authenticator {
  private readonly oidc = new Map<string, OidcVerifier>();

  constructor(private readonly opts: AuthenticatorOptions) {
    this.setOidc(opts.oidc ?? []);
  }

  /** Replaces the external issuers at once (configuration reload); throws, keeping the old set, on a clash. */
  setOidc(verifiers: OidcVerifier[]): void {
    const next = new Map<string, OidcVerifier>();
    for (const v of verifiers) {
      if (v.issuer === this.opts.tokens.issuer)
        throw new Error(`OIDC issuer ${v.issuer} clashes with the built-in issuer`);
      next.set(v.issuer, v);
    }
    this.oidc.clear();
    for (const [k, v] of next) this.oidc.set(k, v);
  }

  async authenticate(authorization: string | undefined, now = new Date()): Promise<Principal> {
    try {
      const token = bearer(authorization);
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        throw new ApiError('TokenInvalid', 'malformed token');
      }
      let p: Principal;
      if (this.opts.tokens.ownsIssuer(iss)) p = await this.opts.tokens.verify(token, { lookup: this.opts.lookup, now });
      else {
        const v = typeof iss === 'string' ? this.oidc.get(iss) : undefined;
        if (!v) throw new ApiError('TokenInvalid', 'wrong issuer (no configured issuer matches)');
        p = await v.verify(token, now);
      }
      return this.opts.bindings ? this.opts.bindings.expand(p) : p;
    } catch (err) {
      throw err instanceof ApiError ? challenge(err) : err;
    }
  }
}

function bearer(header: string | undefined): string {
  if (!header) throw new ApiError('Unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
  const m = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(header);
  if (!m) throw new ApiError('Unauthorized', 'unsupported authorization scheme; use Authorization: Bearer <token>');
  return m[1];
}

/** The unverified subject of a bearer token, for audit records of failed logins (never trust it otherwise). */
export function claimedSubject(authorization: string | undefined): string | undefined {
  const m = authorization ? /^Bearer\s+(\S+)/i.exec(authorization) : null;
  if (!m) return undefined;
  try {
    const sub = decodeJwt(m[1]).sub;
    return typeof sub === 'string' ? sub.slice(0, 256) : undefined;
  } catch {
    return undefined;
  }
}
