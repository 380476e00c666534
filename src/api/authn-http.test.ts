// End-to-end authentication through HTTP: every token rejection case is a 401 with its code, OIDC via a local JWKS, limits.
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { site } from '../model/testing/index.js';
import { TokenKind, TokenKeyring, TokenService, securityPaths } from '../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const OIDC_ISS = 'https://idp.example.eu/realms/acme';
const oidcKey = { kid: 'rsa-1', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) };
let jwks: Server;
let env: SecureEnv;
let keys: TokenKeyring;

beforeAll(async () => {
  jwks = createServer((req, res) => {
    const keys = [{ ...oidcKey.publicKey.export({ format: 'jwk' }), kid: oidcKey.kid, alg: 'RS256', use: 'sig' }];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const dir = join(process.env.TMPDIR ?? '/tmp', `ctm-oidc-${process.pid}.yaml`);
  // The same file format as `continuum server --oidc-config FILE`.
  writeFileSync(
    dir,
    `- name: corp\n  issuer: ${OIDC_ISS}\n  jwksUri: http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks\n  audience: continuum\n  claims: {roles: roles, tenant: tenant}\n`,
  );
  env = await startSecureEnv({ namespaces: ['acme'], oidcConfig: dir });
  keys = TokenKeyring.loadOrCreate(securityPaths(env.dataDir).tokenKeys);
});
afterAll(async () => {
  await env.stop();
  await new Promise<void>((r) => jwks.close(() => r()));
});

/** A token signed with the server's real key whose Token record exists, issued at `now` (to make it expired or not yet valid). */
async function crafted(
  opts: { now?: Date; ttl?: number; issuer?: string; audience?: string; store?: boolean } = {},
): Promise<string> {
  const svc = new TokenService({
    keyring: keys,
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  });
  const { token, record } = await svc.issue(
    { subject: 'crafted', role: 'auditor', ttlSeconds: opts.ttl ?? 600 },
    opts.now ?? new Date(),
  );
  if (opts.store !== false) await env.cp.store.create(TokenKind, record as never);
  return token;
}

async function rejected(
  token: string | undefined,
  authorization?: string,
): Promise<{ code: string; challenge: string }> {
  const r = await env.req(undefined, 'GET', `${BASE}/sites`, undefined, {
    authorization: authorization ?? `Bearer ${token}`,
  });
  expect(r.status, r.text).toBe(401);
  expect(r.headers['content-type']).toContain('application/problem+json');
  return { code: r.body.code, challenge: String(r.headers['www-authenticate'] ?? '') };
}

describe('authentication over HTTP', () => {
  it('accepts built-in tokens, the admin.token and keeps health endpoints public', async () => {
    for (const url of ['/healthz', '/readyz', '/version'])
      expect((await env.req(undefined, 'GET', url)).status).toBe(200);
    const { token } = await env.issue({ role: 'auditor' });
    const who = await env.req(token, 'GET', '/auth/v1/whoami');
    expect(who.body).toMatchObject({ kind: 'WhoAmI', roles: ['auditor'] });
    // Every issued token has a subject of its own (role plus a random suffix).
    expect(who.body.subject).toMatch(/^auditor~[0-9a-f]{12}$/);
    expect((await env.req(env.adminToken, 'GET', '/auth/v1/whoami')).body).toMatchObject({
      subject: 'admin',
      roles: ['admin'],
    });
  });

  it.each([
    ['missing token', async () => rejected(undefined, ''), 'Unauthorized'],
    ['not a bearer scheme', async () => rejected(undefined, 'Basic YWRtaW46YWRtaW4='), 'Unauthorized'],
    ['garbage', async () => rejected('not-a-jwt.at.all'), 'TokenInvalid'],
    [
      'expired',
      async () => rejected(await crafted({ now: new Date(Date.now() - 7200_000), ttl: 600 })),
      'TokenExpired',
    ],
    [
      'not yet valid',
      async () => rejected(await crafted({ now: new Date(Date.now() + 3600_000) })),
      'TokenNotYetValid',
    ],
    ['wrong issuer', async () => rejected(await crafted({ issuer: 'https://evil.example' })), 'TokenInvalid'],
    ['wrong audience', async () => rejected(await crafted({ audience: 'another-api' })), 'TokenInvalid'],
    [
      'alg none',
      async () => {
        const real = await crafted();
        const [, payload] = real.split('.');
        return rejected(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
      },
      'TokenInvalid',
    ],
    [
      'algorithm confusion (HS256 keyed with the public key)',
      async () => {
        const real = await crafted();
        const [, payload] = real.split('.');
        const head = b64({ alg: 'HS256', typ: 'JWT', kid: keys.primary.kid });
        const pem = keys.primary.publicKey.export({ format: 'pem', type: 'spki' });
        return rejected(
          `${head}.${payload}.${createHmac('sha256', pem).update(`${head}.${payload}`).digest('base64url')}`,
        );
      },
      'TokenInvalid',
    ],
    [
      'unknown key id',
      async () => {
        const other = TokenKeyring.ephemeral();
        const { token } = await new TokenService({ keyring: other }).issue({
          subject: 'x',
          role: 'auditor',
          ttlSeconds: 60,
        });
        return rejected(token);
      },
      'TokenInvalid',
    ],
    ['no record (never issued here)', async () => rejected(await crafted({ store: false })), 'TokenRevoked'],
    [
      'revoked',
      async () => {
        const { token, id } = await env.issue({ role: 'auditor' });
        expect((await env.req(token, 'GET', `${BASE}/sites`)).status).toBe(200);
        const r = await env.req(env.adminToken, 'POST', `/auth/v1/tokens/${id}/revoke`, { reason: 'test' });
        expect(r.status, r.text).toBe(200);
        expect(r.body.spec.revoked).toBe(true);
        return rejected(token);
      },
      'TokenRevoked',
    ],
    [
      'a bootstrap token used as an access token',
      async () => {
        await env.req(env.adminToken, 'POST', `${BASE}/sites`, site('boot-site'));
        return rejected((await env.issue({ role: 'agent', site: 'boot-site', bootstrap: true, ttlSeconds: 60 })).token);
      },
      'TokenInvalid',
    ],
  ])('rejects %s with 401 and a clear code', async (_name, run, code) => {
    const r = await run();
    expect(r.code).toBe(code);
    expect(r.challenge).toMatch(/^Bearer realm="continuum"/);
  });

  describe('external OIDC issuer (local JWKS, --oidc-config file)', () => {
    const sign = (o: { aud?: string; kid?: string; exp?: number; roles?: string[]; key?: KeyObject } = {}) =>
      new SignJWT({ roles: o.roles ?? ['use-case-admin'], tenant: 'acme' })
        .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? oidcKey.kid })
        .setIssuer(OIDC_ISS)
        .setAudience(o.aud ?? 'continuum')
        .setSubject('alice')
        .setIssuedAt()
        .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 300)
        .sign(o.key ?? oidcKey.privateKey);

    it('maps claims to a tenant role and authorizes with it', async () => {
      const token = await sign();
      expect((await env.req(token, 'GET', '/auth/v1/whoami')).body).toMatchObject({
        subject: 'corp:alice',
        roles: ['use-case-admin@acme'],
      });
      expect((await env.req(token, 'GET', `${BASE}/namespaces/acme/applications`)).status).toBe(200);
      expect((await env.req(token, 'GET', `${BASE}/namespaces/default/applications`)).status).toBe(403);
      // admin is never conferred by an external issuer unless configured.
      expect((await env.req(await sign({ roles: ['admin'] }), 'GET', `${BASE}/providers`)).status).toBe(403);
    });

    it.each([
      ['expired', () => sign({ exp: Math.floor(Date.now() / 1000) - 3600 }), 'TokenExpired'],
      ['wrong audience', () => sign({ aud: 'other' }), 'TokenInvalid'],
      [
        'unknown key id',
        () => sign({ kid: 'rsa-unknown', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
        'TokenInvalid',
      ],
    ])('rejects %s', async (_n, make, code) => {
      expect((await rejected(await make())).code).toBe(code);
    });
  });

  it('rate limits per subject with 429 and Retry-After, other subjects unaffected', async () => {
    const small = await startSecureEnv({ rateLimit: { ratePerSecond: 1, burst: 5 } });
    try {
      const a = (await small.issue({ role: 'auditor', subject: 'auditor-a' })).token;
      const b = (await small.issue({ role: 'auditor', subject: 'auditor-b' })).token;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await small.req(a, 'GET', `${BASE}/sites`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const r = await small.req(a, 'GET', `${BASE}/sites`);
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('TooManyRequests');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await small.req(b, 'GET', `${BASE}/sites`)).status).toBe(200);
      // The data dir's admin.token (embedded agents, operators with the data dir) is exempt.
      const admin: number[] = [];
      for (let i = 0; i < 12; i++) admin.push((await small.req(small.adminToken, 'GET', `${BASE}/sites`)).status);
      expect(new Set(admin)).toEqual(new Set([200]));
    } finally {
      await small.stop();
    }
  });

  it('limits body size with 413', async () => {
    const big = {
      apiVersion: 'continuum.eu/v1alpha1',
      kind: 'Provider',
      metadata: { name: 'big' },
      spec: { legalName: 'x'.repeat(1_100_000), headquarters: { country: 'DE' } },
    };
    const r = await env.req(env.adminToken, 'POST', `${BASE}/providers`, big);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PayloadTooLarge');
  });
});
