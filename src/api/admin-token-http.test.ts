// The data dir's admin token over real HTTP: expiry with a clear 401, rotation with the old token revoked, audited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run.js';
import { waitFor } from '../lib/testing/wait.js';
import { securityPaths } from '../security/index.js';
import { startSecureEnv, type SecureEnv } from './testing/secure-env.js';

async function whoami(env: SecureEnv, token: string): Promise<{ status: number; type: string | null; body: any }> {
  const r = await fetch(`${env.cp.url}/auth/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
}
const fileToken = (env: SecureEnv) => readFileSync(join(env.dataDir, 'admin.token'), 'utf8').trim();

describe('admin token rotation', () => {
  let env: SecureEnv;
  beforeAll(async () => {
    env = await startSecureEnv({ runControllers: false });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('expires by default after 90 days and says so in admin.token.json', () => {
    const meta = JSON.parse(readFileSync(join(env.dataDir, 'admin.token.json'), 'utf8'));
    const days = (Date.parse(meta.expiresAt) - Date.parse(meta.issuedAt)) / 86_400_000;
    expect(days).toBe(90);
    expect(env.cp.adminTokenExpiresAt).toBe(meta.expiresAt);
  });

  it('`continuum token rotate-admin` writes a new token; the running server accepts only it', async () => {
    const old = fileToken(env);
    expect((await whoami(env, old)).status).toBe(200);
    const r = await runCli('token', 'rotate-admin', '--data-dir', env.dataDir, '--ttl', '7d');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/new admin token written to .*admin\.token \(expires .*\); the previous one is revoked/);
    const fresh = fileToken(env);
    expect(fresh).not.toBe(old);
    await waitFor(async () => (await whoami(env, fresh)).status === 200, 'the new admin token is accepted');
    const refused = await whoami(env, old);
    expect(refused.status).toBe(401);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.code).toBe('TokenRevoked');
    expect(refused.body.detail).toMatch(/admin token was replaced at .* and is revoked/);
    expect(env.cp.adminToken).toBe(fresh);
    // The rotation is in the audit chain.
    await waitFor(
      () => readFileSync(securityPaths(env.dataDir).auditLog, 'utf8').includes('"action":"admin-token:rotate"'),
      'the rotation is audited',
    );
  }, 60_000);
});

describe('admin token expiry', () => {
  let env: SecureEnv;
  beforeAll(async () => {
    env = await startSecureEnv({ runControllers: false, adminTokenTtlSeconds: 3 });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('answers a clear 401 once the admin token expired; rotate-admin issues a working one', async () => {
    const token = fileToken(env);
    const expired = await waitFor(async () => {
      const r = await whoami(env, token);
      return r.status === 401 ? r : undefined;
    }, 'the admin token expires');
    expect(expired.type).toContain('application/problem+json');
    expect(expired.body.code).toBe('TokenExpired');
    expect(expired.body.detail).toMatch(/the admin token .* expired at .*continuum token rotate-admin/);
    const r = await runCli('token', 'rotate-admin', '--data-dir', env.dataDir, '--ttl', '1h');
    expect(r.code, r.err).toBe(0);
    const fresh = fileToken(env);
    await waitFor(async () => (await whoami(env, fresh)).status === 200, 'the rotated admin token works');
  }, 60_000);
});
