// OAuth2 client credentials for partners: client Secrets, the token endpoint's grant, and bearer verification.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { ApiError, SYSTEM_NAMESPACE } from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import type { Store } from '../../store/index.js';
import { EWBI_SCOPE } from '../ewbi/index.js';
import { head } from './records.js';

const CLIENT_TYPE = 'ewbi.continuum.eu/client-credentials';
const KEY_SECRET = 'ewbi-token-key';
const ISSUER = 'continuum-ewbi';
const AUDIENCE = 'ewbi';
const CLIENT_ID = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;

/** The Secret (in continuum-system) holding one partner client's credentials. */
export const clientSecretName = (clientId: string): string => `ewbi-client-${clientId}`;

const value = (s: { spec: { data?: Record<string, string>; stringData?: Record<string, string> } }, k: string) =>
  s.spec.stringData?.[k] ?? (s.spec.data?.[k] !== undefined ? Buffer.from(s.spec.data[k], 'base64').toString() : '');

/**
 * Creates the credentials a partner (an originating OP) uses against this control plane, kept as a Secret;
 * run when a partnership is agreed. Returns the existing ones when the client already exists.
 */
export async function createPartnerClient(
  store: Store,
  clientId = `op-${randomBytes(6).toString('hex')}`,
): Promise<{ clientId: string; clientSecret: string }> {
  if (!CLIENT_ID.test(clientId)) throw new ApiError('BadRequest', `client id ${clientId} is not a DNS label`);
  const name = clientSecretName(clientId);
  const cur = await store.get(SecretKind, SYSTEM_NAMESPACE, name);
  if (cur) return { clientId, clientSecret: value(cur, 'clientSecret') };
  const clientSecret = randomBytes(24).toString('base64url');
  await store.create(SecretKind, {
    ...head(SecretKind),
    metadata: { name, namespace: SYSTEM_NAMESPACE, labels: { 'ewbi.continuum.eu/kind': 'client' } },
    spec: { type: CLIENT_TYPE, stringData: { clientId, clientSecret } },
  });
  return { clientId, clientSecret };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Issues and verifies the short-lived bearer tokens of the EWBI routes. */
export class PartnerTokens {
  private key?: Uint8Array;

  constructor(
    private readonly store: Store,
    readonly ttlSeconds = 300,
  ) {}

  /** The signing key, kept in a Secret so every replica and restart shares it. */
  private async signingKey(): Promise<Uint8Array> {
    if (this.key) return this.key;
    let s = await this.store.get(SecretKind, SYSTEM_NAMESPACE, KEY_SECRET);
    if (!s) {
      try {
        s = await this.store.create(SecretKind, {
          ...head(SecretKind),
          ...head(SecretKind),
          metadata: { name: KEY_SECRET, namespace: SYSTEM_NAMESPACE },
          spec: { type: 'ewbi.continuum.eu/token-key', stringData: { key: randomBytes(32).toString('base64') } },
        });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
      }
      s = await this.store.mustGet(SecretKind, SYSTEM_NAMESPACE, KEY_SECRET);
    }
    this.key = Buffer.from(value(s, 'key'), 'base64');
    return this.key;
  }

  /** The client credentials grant: checks the client's secret, returns a token carrying the granted scope. */
  async grant(
    clientId: string,
    clientSecret: string,
    scope: string | undefined,
  ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const stored = CLIENT_ID.test(clientId)
      ? await this.store.get(SecretKind, SYSTEM_NAMESPACE, clientSecretName(clientId))
      : undefined;
    const expected = stored ? value(stored, 'clientSecret') : '';
    // Compare digests (equal length) so the comparison time says nothing about the secret.
    if (!stored || !expected || !timingSafeEqual(digest(expected), digest(clientSecret)))
      throw new OAuthError(401, 'invalid_client', 'unknown client or wrong secret');
    const asked = (scope ?? EWBI_SCOPE).split(' ').filter(Boolean);
    if (asked.some((s) => s !== EWBI_SCOPE)) throw new OAuthError(400, 'invalid_scope', `only ${EWBI_SCOPE}`);
    const token = await new SignJWT({ scope: EWBI_SCOPE })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(clientId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomBytes(9).toString('base64url'))
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.signingKey());
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: EWBI_SCOPE };
  }

  /**
   * The token this partner gives a roaming device of a federation when it registers (UNI side, out of EWBI scope):
   * an HMAC of federation and device under the signing key, so AuthenticateDevice needs no device table.
   */
  async deviceToken(federationContextId: string, deviceId: string): Promise<string> {
    const mac = createHmac('sha256', await this.signingKey()).update(`device\0${federationContextId}\0${deviceId}`);
    return mac.digest('base64url').slice(0, 32);
  }

  async checkDeviceToken(federationContextId: string, deviceId: string, token: string): Promise<boolean> {
    const want = await this.deviceToken(federationContextId, deviceId);
    return timingSafeEqual(digest(want), digest(token));
  }

  /** The client id a bearer token was issued to; 401 when missing, forged, expired, out of scope or revoked. */
  async verify(authorization: string | undefined): Promise<string> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw new ApiError('Unauthorized', 'an EWBI bearer token is required (OAuth2 client credentials)');
    let sub: string | undefined;
    let scope: unknown;
    try {
      const { payload } = await jwtVerify(m[1], await this.signingKey(), {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      sub = payload.sub;
      scope = payload.scope;
    } catch {
      throw new ApiError('Unauthorized', 'invalid or expired EWBI token');
    }
    if (typeof scope !== 'string' || !scope.split(' ').includes(EWBI_SCOPE) || !sub)
      throw new ApiError('Unauthorized', `token lacks scope ${EWBI_SCOPE}`);
    // Deleting the client's Secret ends the partnership at once, whatever tokens are still out.
    if (!(await this.store.get(SecretKind, SYSTEM_NAMESPACE, clientSecretName(sub))))
      throw new ApiError('Unauthorized', 'client no longer exists');
    return sub;
  }
}

/** An RFC 6749 §5.2 error of the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Client id and secret from HTTP Basic (preferred) or from the form body. */
export function clientCredentials(
  authorization: string | undefined,
  form: Record<string, string>,
): { clientId: string; clientSecret: string } {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (m) {
    const raw = Buffer.from(m[1], 'base64').toString('utf8');
    const i = raw.indexOf(':');
    if (i > 0)
      return { clientId: decodeURIComponent(raw.slice(0, i)), clientSecret: decodeURIComponent(raw.slice(i + 1)) };
  }
  if (form.client_id && form.client_secret) return { clientId: form.client_id, clientSecret: form.client_secret };
  throw new OAuthError(401, 'invalid_client', 'client authentication missing');
}
