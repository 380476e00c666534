// OIDC configuration reload: `--oidc-config` is re-read when the file changes and on SIGHUP, without a restart.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/wait.js';
import { startSecureEnv, type SecureEnv } from './testing/secure-env.js';

const ISS = 'https://idp.example.eu/realms/reload';
const key = { kid: 'rsa-r', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) };
let jwks: Server;
let env: SecureEnv;
let dir: string;
let file: string;

const config = (issuers: string[]) =>
  issuers
    .map(
      (iss, i) =>
        `- name: idp${i}\n  issuer: ${iss}\n  jwksUri: http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks\n` +
        '  audience: continuum\n  claims: {roles: roles, tenant: tenant}\n',
    )
    .join('');
const token = () =>
  new SignJWT({ roles: ['auditor'] })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISS)
    .setAudience('continuum')
    .setSubject('carol')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
    .sign(key.privateKey);
const whoamiStatus = async () => (await env.req(await token(), 'GET', '/auth/v1/whoami')).status;

beforeAll(async () => {
  jwks = createServer((_req, res) => {
    const keys = [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'ctm-oidc-reload-'));
  file = join(dir, 'issuers.yaml');
  writeFileSync(file, config(['https://other.example.eu']));
  // Polling with a refused token is a stream of 401s: the per-address failure limit is lifted here.
  const unlimited = { ratePerSecond: 1e6, burst: 1e6 };
  env = await startSecureEnv({ runControllers: false, oidcConfig: file, addressLimits: { failures: unlimited } });
}, 30_000);
afterAll(async () => {
  await env?.stop();
  await new Promise<void>((r) => jwks.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('OIDC configuration reload', () => {
  it('accepts a new issuer after the file changes, and drops it again on SIGHUP after the next edit', async () => {
    expect(await whoamiStatus()).toBe(401);
    writeFileSync(file, config(['https://other.example.eu', ISS]));
    await waitFor(async () => (await whoamiStatus()) === 200, 'the issuer added to the file to be accepted', 20_000);
    // A broken file keeps the running configuration.
    writeFileSync(file, 'not: [valid');
    process.emit('SIGHUP');
    expect(await whoamiStatus()).toBe(200);
    writeFileSync(file, config(['https://other.example.eu']));
    process.emit('SIGHUP');
    await waitFor(async () => (await whoamiStatus()) === 401, 'the removed issuer to be refused', 20_000);
  }, 60_000);
});
