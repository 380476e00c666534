// The caller's identity as the app sees it: a short-lived compact JWS signed with the gateway's key (JWKS published).
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../security/port.js';

/** Where the gateway's public keys are published (JWKS, public). */
export const GATEWAY_KEYS_PATH = '/auth/v1/gateway/keys';
export const IDENTITY_HEADER = 'x-continuum-identity';
/** The `iss` of every identity token. */
export const IDENTITY_ISSUER = 'continuum-gateway';
/** Lifetime of an identity token: long enough for one request, short enough to be useless when leaked. */
export const IDENTITY_TTL_SECONDS = 60;

/**
 * Signs identity tokens with an Ed25519 key made at start (kept in memory: a restarted control plane publishes a
 * new key under a new `kid`; apps fetch the JWKS when they meet an unknown kid).
 */
export class GatewayIdentity {
  private constructor(
    private readonly key: CryptoKey,
    private readonly jwk: JWK,
  ) {}

  static async create(): Promise<GatewayIdentity> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
    return new GatewayIdentity(privateKey, jwk);
  }

  /** The JWKS an app verifies X-Continuum-Identity with. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  /**
   * `sub` = the caller's subject, `aud` = `<namespace>/<deployment>`, `jti` = the request id, plus the caller kind
   * (and site for agents); valid IDENTITY_TTL_SECONDS.
   */
  sign(caller: Caller, audience: string, requestId: string): Promise<string> {
    return new SignJWT({ kind: caller.kind, ...(caller.site ? { site: caller.site } : {}) })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.jwk.kid!, typ: 'JWT' })
      .setIssuer(IDENTITY_ISSUER)
      .setSubject(caller.subject)
      .setAudience(audience)
      .setJti(requestId)
      .setIssuedAt()
      .setExpirationTime(`${IDENTITY_TTL_SECONDS}s`)
      .sign(this.key);
  }
}
