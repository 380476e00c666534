// Tests for built-in tokens: issuing, every rejection case, key rotation, key file permissions, bootstrap exchange.
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ApiError, type ErrorCode } from '../model/index.js';
import { exchangeBootstrap, issueBootstrapToken } from './bootstrap.js';
import { TokenKeyring } from './token-keys.js';
import { MemoryTokenRecords } from './token-records.js';
import { TokenService, parseTtl, type IssueRequest } from './tokens.js';

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function setup() {
  const keyring = TokenKeyring.ephemeral(T0);
  const tokens = new TokenService({ keyring });
  const store = new MemoryTokenRecords();
  const issue = async (req: Partial<IssueRequest> = {}) => {
    const out = await tokens.issue(
      { subject: 'alice', role: 'use-case-admin', tenant: 'acme', ttlSeconds: 3600, ...req },
      T0,
    );
    store.create(out.record);
    return out;
  };
  const verify = (jwt: string, now = at(10), purpose?: 'access' | 'bootstrap') =>
    tokens.verify(jwt, { lookup: (j) => store.get(j), now, purpose });
  return { keyring, tokens, store, issue, verify };
}

async function rejection(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('built-in tokens', () => {
  it('issues a token whose record carries no token material and verifies it to a principal', async () => {
    const { issue, verify } = setup();
    const { token, record } = await issue();
    expect(JSON.stringify(record)).not.toContain(token.split('.')[2]);
    expect(record.spec).toMatchObject({ subject: 'alice', role: 'use-case-admin', tenant: 'acme', purpose: 'access' });
    const p = await verify(token);
    expect(p).toMatchObject({
      subject: 'alice',
      kind: 'user',
      grants: [{ role: 'use-case-admin', namespace: 'acme' }],
      tokenId: record.metadata.name,
    });
  });

  const cases: Array<[string, (s: ReturnType<typeof setup>) => Promise<unknown>, ErrorCode, RegExp]> = [
    ['expired', async (s) => s.verify((await s.issue({ ttlSeconds: 60 })).token, at(3600)), 'TokenExpired', /expired/],
    ['not yet valid', async (s) => s.verify((await s.issue()).token, at(-3600)), 'TokenNotYetValid', /not valid yet/],
    [
      'wrong issuer',
      async (s) => {
        const other = new TokenService({ keyring: s.keyring, issuer: 'someone-else' });
        const { token, record } = await other.issue(
          { subject: 'alice', role: 'end-user', tenant: 'acme', ttlSeconds: 60 },
          T0,
        );
        s.store.create(record);
        return s.verify(token);
      },
      'TokenInvalid',
      /wrong issuer/,
    ],
    [
      'wrong audience',
      async (s) => {
        const other = new TokenService({ keyring: s.keyring, audience: 'another-api' });
        const { token, record } = await other.issue(
          { subject: 'alice', role: 'end-user', tenant: 'acme', ttlSeconds: 60 },
          T0,
        );
        s.store.create(record);
        return s.verify(token);
      },
      'TokenInvalid',
      /wrong audience/,
    ],
    [
      'alg none',
      async (s) => {
        const { token } = await s.issue();
        const [, payload] = token.split('.');
        return s.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
      },
      'TokenInvalid',
      /alg none/,
    ],
    [
      'HS256 signed with the public key (algorithm confusion)',
      async (s) => {
        const { token } = await s.issue();
        const [, payload] = token.split('.');
        const header = b64({ alg: 'HS256', kid: s.keyring.primary.kid, typ: 'JWT' });
        const pem = s.keyring.primary.publicKey.export({ format: 'pem', type: 'spki' });
        const sig = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
        return s.verify(`${header}.${payload}.${sig}`);
      },
      'TokenInvalid',
      /HS256.*confusion/,
    ],
    [
      'RS256 header',
      async (s) => {
        const { token } = await s.issue();
        const [, payload, sig] = token.split('.');
        return s.verify(`${b64({ alg: 'RS256', kid: s.keyring.primary.kid })}.${payload}.${sig}`);
      },
      'TokenInvalid',
      /RS256 not accepted/,
    ],
    [
      'unknown key id',
      async (s) => {
        const foreign = new TokenService({ keyring: TokenKeyring.ephemeral(T0) });
        const { token, record } = await foreign.issue({ subject: 'alice', role: 'admin', ttlSeconds: 60 }, T0);
        s.store.create(record);
        return s.verify(token);
      },
      'TokenInvalid',
      /unknown key id/,
    ],
    [
      'missing key id',
      async (s) => {
        const jwt = await new SignJWT({ role: 'admin' })
          .setProtectedHeader({ alg: 'EdDSA' })
          .setIssuer('continuum')
          .setAudience('continuum-api')
          .setSubject('x')
          .setJti('j')
          .setIssuedAt(T0)
          .setNotBefore(T0)
          .setExpirationTime(at(60))
          .sign(s.keyring.primary.privateKey);
        return s.verify(jwt);
      },
      'TokenInvalid',
      /missing key id/,
    ],
    [
      'known kid but signed by another key',
      async (s) => {
        const other = TokenKeyring.ephemeral(T0);
        const jwt = await new SignJWT({ role: 'admin', pk: 'user', pur: 'access' })
          .setProtectedHeader({ alg: 'EdDSA', kid: s.keyring.primary.kid })
          .setIssuer('continuum')
          .setAudience('continuum-api')
          .setSubject('mallory')
          .setJti('j1')
          .setIssuedAt(T0)
          .setNotBefore(T0)
          .setExpirationTime(at(60))
          .sign(other.primary.privateKey);
        return s.verify(jwt);
      },
      'TokenInvalid',
      /bad signature/,
    ],
    [
      'tampered payload',
      async (s) => {
        const { token } = await s.issue({ role: 'end-user' });
        const [h, p, sig] = token.split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
        return s.verify(`${h}.${b64({ ...claims, role: 'admin' })}.${sig}`);
      },
      'TokenInvalid',
      /bad signature/,
    ],
    ['garbage', async (s) => s.verify('not-a-jwt'), 'TokenInvalid', /malformed/],
    [
      'revoked',
      async (s) => {
        const { token, record } = await s.issue();
        s.store.revoke(record.metadata.name, at(5), 'laptop lost');
        return s.verify(token);
      },
      'TokenRevoked',
      /revoked/,
    ],
    [
      'record deleted',
      async (s) => {
        const { token, record } = await s.issue();
        s.store.records.delete(record.metadata.name);
        return s.verify(token);
      },
      'TokenRevoked',
      /no record/,
    ],
    [
      'record does not match the claims',
      async (s) => {
        const { token, record } = await s.issue({ role: 'end-user' });
        s.store.records.set(record.metadata.name, {
          ...record,
          spec: { ...record.spec, role: 'admin', tenant: undefined },
        });
        return s.verify(token);
      },
      'TokenInvalid',
      /does not match/,
    ],
    [
      'bootstrap token used as an access token',
      async (s) => {
        const { token, record } = await issueBootstrapToken(s.tokens, 'site-a', 600, T0);
        s.store.create(record);
        return s.verify(token);
      },
      'TokenInvalid',
      /only be exchanged/,
    ],
  ];

  it.each(cases)('rejects: %s', async (_name, run, code, message) => {
    const r = await rejection(run(setup()));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('keeps tokens valid across key rotation until the old key is retired', async () => {
    const { keyring, issue, verify } = setup();
    const { token } = await issue();
    const oldKid = keyring.primary.kid;
    keyring.rotate(T0);
    expect(keyring.primary.kid).not.toBe(oldKid);
    await expect(verify(token)).resolves.toMatchObject({ subject: 'alice' });
    const fresh = await issue();
    expect(fresh.record.spec.keyId).toBe(keyring.primary.kid);
    keyring.retire(oldKid);
    expect((await rejection(verify(token))).message).toMatch(/unknown key id/);
    expect(() => keyring.retire(keyring.primary.kid)).toThrow(/primary/);
  });

  it('stores the signing key with mode 0600, reloads it, and refuses a world-readable key file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctm-tok-'));
    const path = join(dir, 'keys', 'token-signing.json');
    const a = TokenKeyring.loadOrCreate(path, T0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const b = TokenKeyring.loadOrCreate(path, T0);
    expect(b.primary.kid).toBe(a.primary.kid);
    const { token, record } = await new TokenService({ keyring: a }).issue(
      { subject: 's', role: 'auditor', ttlSeconds: 60 },
      T0,
    );
    await expect(
      new TokenService({ keyring: b }).verify(token, { lookup: () => record, now: at(1) }),
    ).resolves.toMatchObject({ subject: 's' });
    chmodSync(path, 0o644);
    expect(() => TokenKeyring.loadOrCreate(path, T0)).toThrow(/chmod 600/);
  });

  const invalid: Array<[string, Partial<IssueRequest>, RegExp]> = [
    ['unknown role', { role: 'root' as never }, /unknown role/],
    ['tenant on a cluster role', { role: 'auditor', tenant: 'acme' }, /takes no tenant/],
    ['zero ttl', { ttlSeconds: 0 }, /positive/],
    ['huge ttl', { ttlSeconds: 10 * 366 * 86400 }, /maximum/],
    ['agent without site', { role: 'agent', tenant: undefined }, /site is required/],
    ['site without agent', { site: 'site-a' }, /site is required/],
    ['bootstrap for a user', { bootstrap: true }, /agents only/],
    [
      'long bootstrap',
      { role: 'agent', tenant: undefined, site: 's', bootstrap: true, ttlSeconds: 2 * 86400 },
      /expire within/,
    ],
  ];
  it.each(invalid)('refuses to issue: %s', async (_n, req, message) => {
    const r = await rejection(setup().issue(req));
    expect(r.code).toBe('BadRequest');
    expect(r.message).toMatch(message);
  });

  it.each([
    ['90d', 7776000],
    ['12h', 43200],
    ['30m', 1800],
    ['45s', 45],
    ['120', 120],
    ['2w', 1209600],
  ])('parses ttl %s', (text, secs) => {
    expect(parseTtl(text)).toBe(secs);
  });
  it('rejects bad ttl text', () => expect(() => parseTtl('1y')).toThrow(/invalid duration/));
});

describe('agent bootstrap', () => {
  it('exchanges a bootstrap token once for a site-bound agent credential', async () => {
    const s = setup();
    const boot = await issueBootstrapToken(s.tokens, 'site-a', 600, T0);
    s.store.create(boot.record);
    expect(boot.record.spec).toMatchObject({ purpose: 'bootstrap', singleUse: true, site: 'site-a', role: 'agent' });
    const ex = await exchangeBootstrap(s.tokens, s.store, boot.token, { now: at(30) });
    expect(ex.site).toBe('site-a');
    expect(s.store.get(boot.record.metadata.name)?.status).toMatchObject({ exchangedFor: ex.record.metadata.name });
    const agent = await s.verify(ex.token, at(60));
    expect(agent).toMatchObject({
      kind: 'agent',
      site: 'site-a',
      grants: [{ role: 'agent' }],
      subject: 'agent:site-a',
    });

    const again = await rejection(exchangeBootstrap(s.tokens, s.store, boot.token, { now: at(40) }));
    expect(again).toMatchObject({ code: 'TokenRevoked', message: expect.stringMatching(/already used/) });
    // An agent credential is not a bootstrap token.
    expect((await rejection(exchangeBootstrap(s.tokens, s.store, ex.token, { now: at(40) }))).message).toMatch(
      /not a bootstrap token/,
    );
  });

  it('lets exactly one of two concurrent exchanges win', async () => {
    const s = setup();
    const boot = await issueBootstrapToken(s.tokens, 'site-b', 600, T0);
    s.store.create(boot.record);
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => exchangeBootstrap(s.tokens, s.store, boot.token, { now: at(1) })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect([...s.store.records.values()].filter((r) => r.spec.purpose === 'access')).toHaveLength(1);
  });

  it('rejects an expired or revoked bootstrap token', async () => {
    const s = setup();
    const boot = await issueBootstrapToken(s.tokens, 'site-a', 600, T0);
    s.store.create(boot.record);
    expect((await rejection(exchangeBootstrap(s.tokens, s.store, boot.token, { now: at(3600) }))).code).toBe(
      'TokenExpired',
    );
    s.store.revoke(boot.record.metadata.name, at(1));
    expect((await rejection(exchangeBootstrap(s.tokens, s.store, boot.token, { now: at(2) }))).code).toBe(
      'TokenRevoked',
    );
  });
});
