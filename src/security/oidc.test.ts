// Tests for external OIDC issuers against a local JWKS server: every rejection case, caching, rotation, claim mapping, routing.
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ErrorCode } from '../model/index.js';
import { Authenticator, claimedSubject, isPublicPath } from './authn.js';
import { OidcVerifier, type OidcIssuerConfig } from './oidc.js';
import { BindingIndex } from './rbac/bindings.js';
import { TokenKeyring } from './token-keys.js';
import { MemoryTokenRecords } from './token-records.js';
import { TokenService } from './tokens.js';

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

interface Key {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  alg: string;
}
const rsa = (kid: string): Key => ({ kid, alg: 'RS256', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) });
const ec = (kid: string): Key => ({ kid, alg: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) });

const published: Key[] = [];
let requests = 0;
let server: Server;
let base = '';

beforeAll(async () => {
  published.push(rsa('rsa-1'), ec('ec-1'));
  server = createServer((req, res) => {
    requests++;
    if (req.url !== '/jwks') return void res.writeHead(404).end();
    const keys = published.map((k) => ({
      ...k.publicKey.export({ format: 'jwk' }),
      kid: k.kid,
      alg: k.alg,
      use: 'sig',
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ISS = 'https://idp.example.eu/realms/acme';
const config = (over: Partial<OidcIssuerConfig> = {}): OidcIssuerConfig => ({
  name: 'corp',
  issuer: ISS,
  jwksUri: `${base}/jwks`,
  audience: 'continuum',
  clockToleranceSeconds: 0,
  claims: { roles: 'realm_access.roles', tenant: 'https://continuum.eu/tenant', groups: 'groups' },
  roleMap: { 'app-admin': 'use-case-admin' },
  jwks: { cooldownMs: 0 },
  ...over,
});

function sign(
  key: Key,
  claims: JWTPayload = {},
  opts: { iss?: string; aud?: string; iat?: Date; exp?: Date; nbf?: Date } = {},
): Promise<string> {
  return new SignJWT({
    realm_access: { roles: ['app-admin', 'auditor'] },
    'https://continuum.eu/tenant': 'acme',
    groups: ['ops'],
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(opts.iss ?? ISS)
    .setAudience(opts.aud ?? 'continuum')
    .setSubject('alice')
    .setJti('j-1')
    .setIssuedAt(opts.iat ?? T0)
    .setNotBefore(opts.nbf ?? T0)
    .setExpirationTime(opts.exp ?? at(300))
    .sign(key.privateKey);
}

async function code(p: Promise<unknown>): Promise<[ErrorCode, string]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return [e.code, e.message];
    throw e;
  }
  throw new Error('expected rejection');
}

describe('OIDC verifier', () => {
  it('accepts a valid token, maps claims and caches the key set', async () => {
    const v = new OidcVerifier(config());
    const before = requests;
    const p = await v.verify(await sign(published[0]), at(10));
    expect(p).toEqual({
      subject: 'corp:alice',
      kind: 'user',
      issuer: ISS,
      tokenId: 'corp:j-1',
      groups: ['ops'],
      grants: [{ role: 'use-case-admin', namespace: 'acme' }, { role: 'auditor' }],
    });
    await v.verify(await sign(published[1]), at(20));
    expect(requests - before).toBe(1);
  });

  const cases: Array<[string, () => Promise<string>, ErrorCode, RegExp, Partial<OidcIssuerConfig>?]> = [
    [
      'expired',
      () => sign(published[0], {}, { exp: at(-10), iat: at(-100), nbf: at(-100) }),
      'TokenExpired',
      /expired/,
    ],
    [
      'not yet valid',
      () => sign(published[0], {}, { nbf: at(600), exp: at(900) }),
      'TokenNotYetValid',
      /not valid yet/,
    ],
    ['wrong issuer', () => sign(published[0], {}, { iss: 'https://evil.example' }), 'TokenInvalid', /wrong issuer/],
    ['wrong audience', () => sign(published[0], {}, { aud: 'another-app' }), 'TokenInvalid', /wrong audience/],
    [
      'alg none',
      async () => `${b64({ alg: 'none' })}.${(await sign(published[0])).split('.')[1]}.`,
      'TokenInvalid',
      /alg none/,
    ],
    [
      'HS256 keyed with the RSA public key',
      async () => {
        const header = b64({ alg: 'HS256', kid: 'rsa-1' });
        const payload = (await sign(published[0])).split('.')[1];
        const secret = published[0].publicKey.export({ format: 'pem', type: 'spki' });
        return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
      },
      'TokenInvalid',
      /HS256.*confusion/,
    ],
    [
      'HS256 even if configured',
      async () => `${b64({ alg: 'HS256', kid: 'x' })}.${(await sign(published[0])).split('.')[1]}.sig`,
      'TokenInvalid',
      /HS256/,
      { algorithms: ['HS256', 'RS256'] },
    ],
    [
      'algorithm not in the allow-list',
      () => sign(published[1]),
      'TokenInvalid',
      /ES256 not accepted/,
      { algorithms: ['RS256'] },
    ],
    ['unknown key id', () => sign(rsa('rsa-unknown')), 'TokenInvalid', /unknown key id/],
    ['known kid, wrong key', () => sign({ ...ec('other'), kid: 'ec-1' }), 'TokenInvalid', /bad signature/],
    [
      'missing exp',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
          .setIssuer(ISS)
          .setAudience('continuum')
          .setSubject('a')
          .sign(published[1].privateKey),
      'TokenInvalid',
      /exp missing/,
    ],
    ['revoked by hook', () => sign(published[0]), 'TokenRevoked', /revoked/, { isRevoked: (p) => p.jti === 'j-1' }],
    [
      'missing subject claim',
      () => sign(published[0]),
      'TokenInvalid',
      /email missing/,
      { claims: { subject: 'email' } },
    ],
  ];
  it.each(cases)('rejects: %s', async (_n, make, want, msg, over) => {
    const [c, m] = await code(new OidcVerifier(config(over)).verify(await make(), at(10)));
    expect(c).toBe(want);
    expect(m).toMatch(msg);
  });

  it('picks up an issuer key rotation by refetching on an unknown kid', async () => {
    const v = new OidcVerifier(config());
    await v.verify(await sign(published[0]), at(1));
    const fresh = ec('ec-2');
    published.push(fresh);
    await expect(v.verify(await sign(fresh), at(2))).resolves.toMatchObject({ subject: 'corp:alice' });
  });

  it('reports an unreachable key set as 503, not as a bad token', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const v = new OidcVerifier(config({ jwksUri: `http://127.0.0.1:${port}/jwks` }));
    expect((await code(v.verify(await sign(published[0]), at(1))))[0]).toBe('Unavailable');
  });
});

describe('OIDC claim mapping', () => {
  const grants = (payload: JWTPayload) => new OidcVerifier(config()).toPrincipal({ sub: 'bob', ...payload }).grants;
  it.each<[string, JWTPayload, unknown[]]>([
    [
      'space-separated roles string',
      { realm_access: { roles: 'end-user auditor' }, 'https://continuum.eu/tenant': 't1' },
      [{ role: 'end-user', namespace: 't1' }, { role: 'auditor' }],
    ],
    [
      'several tenants',
      { realm_access: { roles: ['end-user'] }, 'https://continuum.eu/tenant': ['t1', 't2'] },
      [
        { role: 'end-user', namespace: 't1' },
        { role: 'end-user', namespace: 't2' },
      ],
    ],
    ['tenant role without tenant is dropped, not widened', { realm_access: { roles: ['app-admin'] } }, []],
    [
      'invalid tenant names are dropped',
      { realm_access: { roles: ['end-user'] }, 'https://continuum.eu/tenant': ['Bad_Name', '../x'] },
      [],
    ],
    ['admin and agent are never conferred by default', { realm_access: { roles: ['admin', 'agent'] } }, []],
    ['unknown roles are ignored', { realm_access: { roles: ['root', 'superuser'] } }, []],
    ['no roles claim', {}, []],
  ])('%s', (_n, payload, want) => expect(grants(payload)).toEqual(want));

  it('confers admin only when explicitly allowed', () => {
    const admins = new OidcVerifier(config({ allowedRoles: ['admin'] }));
    expect(admins.toPrincipal({ sub: 'root', realm_access: { roles: ['admin', 'auditor'] } }).grants).toEqual([
      { role: 'admin' },
    ]);
  });
});

describe('Authenticator', () => {
  const keyring = TokenKeyring.ephemeral(T0);
  const tokens = new TokenService({ keyring });
  const records = new MemoryTokenRecords();
  const bindings = new BindingIndex();
  bindings.upsert({
    kind: 'RoleBinding',
    metadata: { name: 'ops', namespace: 'shop' },
    spec: { role: 'end-user', subjects: [{ kind: 'Group', name: 'ops' }] },
  });
  const authn = () =>
    new Authenticator({ tokens, lookup: (j) => records.get(j), oidc: [new OidcVerifier(config())], bindings });

  it('routes built-in and OIDC tokens to their verifier and adds binding grants', async () => {
    const issued = await tokens.issue({ subject: 'ci', role: 'cloud-edge-admin', ttlSeconds: 600 }, T0);
    records.create(issued.record);
    expect(await authn().authenticate(`Bearer ${issued.token}`, at(5))).toMatchObject({
      subject: 'ci',
      grants: [{ role: 'cloud-edge-admin' }],
    });
    const p = await authn().authenticate(`bearer ${await sign(published[0])}`, at(5));
    expect(p.grants).toContainEqual({ role: 'end-user', namespace: 'shop' });
  });

  it.each<[string, string | undefined, ErrorCode]>([
    ['no header', undefined, 'Unauthorized'],
    ['basic auth', 'Basic YWxpY2U6c2VjcmV0', 'Unauthorized'],
    ['garbage bearer', 'Bearer abc', 'TokenInvalid'],
    ['unknown issuer', `Bearer ${b64({ alg: 'ES256' })}.${b64({ iss: 'https://nobody' })}.x`, 'TokenInvalid'],
  ])('rejects %s with a challenge header', async (_n, header, want) => {
    try {
      await authn().authenticate(header, at(5));
      throw new Error('expected rejection');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe(want);
      expect((e as ApiError).status).toBe(401);
      expect((e as ApiError).headers['WWW-Authenticate']).toMatch(/^Bearer realm="continuum"/);
    }
  });

  it('refuses an OIDC issuer that clashes with the built-in one', () => {
    expect(
      () =>
        new Authenticator({
          tokens,
          lookup: () => undefined,
          oidc: [new OidcVerifier(config({ issuer: 'continuum' }))],
        }),
    ).toThrow(/clashes/);
  });

  it('knows the public paths and can name the claimed subject of a rejected token', async () => {
    expect(['/healthz', '/readyz?verbose=1', '/version'].every(isPublicPath)).toBe(true);
    expect(['/healthz/x', '/apis', '/metrics', '/'].some(isPublicPath)).toBe(false);
    expect(claimedSubject(`Bearer ${await sign(published[0])}`)).toBe('alice');
    expect(claimedSubject('Bearer nope')).toBeUndefined();
  });
});
