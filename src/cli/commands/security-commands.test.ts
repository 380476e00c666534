// The security CLI commands against a real control plane: token create/list/revoke, whoami, secrets rotate-key, failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];

const cli = runCli;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'] });
  admin = ['--server', env.cp.url, '--token', env.adminToken];
}, 30_000);
afterAll(() => env?.stop());

describe('security commands', () => {
  it('creates a token once, lists it, shows whoami with it and revokes it', async () => {
    const created = await cli(
      'token',
      'create',
      '--role',
      'use-case-admin',
      '--tenant',
      'acme',
      '--ttl',
      '2h',
      ...admin,
    );
    expect(created.code, created.err).toBe(0);
    const token = created.out.trim();
    expect(token.split('.')).toHaveLength(3);
    const id = /token ([0-9a-f]{32}):/.exec(created.err)?.[1] ?? '';
    expect(created.err).toMatch(/use-case-admin@acme~[0-9a-f]{12}, role use-case-admin in acme/);
    const me = await cli('whoami', '--server', env.cp.url, '--token', token);
    expect(me.out).toContain('Roles:   use-case-admin@acme');
    const list = await cli('token', 'list', '--role', 'use-case-admin', ...admin);
    expect(list.out).toContain(id);
    expect(list.out).not.toContain(token);
    expect((await cli('token', 'revoke', id, '--reason', 'rotated', ...admin)).out).toBe(`token ${id} revoked\n`);
    const after = await cli('whoami', '--server', env.cp.url, '--token', token);
    expect([after.code, after.err]).toEqual([1, expect.stringContaining('Error from server (TokenRevoked)')]);
  });

  it('prints JSON with -o json and refuses what the caller may not grant with the server’s message', async () => {
    const j = await cli('token', 'create', '--role', 'auditor', '-o', 'json', ...admin);
    expect(JSON.parse(j.out)).toMatchObject({ role: 'auditor', purpose: 'access' });
    const auditor = JSON.parse(j.out).token as string;
    const denied = await cli('token', 'create', '--role', 'admin', '--server', env.cp.url, '--token', auditor);
    expect([denied.code, denied.err]).toEqual([1, expect.stringMatching(/^Error from server \(Forbidden\): .*admin/)]);
    const rotate = await cli('secrets', 'rotate-key', '--server', env.cp.url, '--token', auditor);
    expect([rotate.code, rotate.err]).toEqual([1, expect.stringContaining('Error from server (Forbidden)')]);
    expect((await cli('secrets', 'rotate-key', ...admin)).out).toMatch(
      /^new key-encryption key \S+; 0 Secret\(s\) re-encrypted/,
    );
  });

  it('reports usage errors with exit code 2', async () => {
    expect((await cli('token', 'create', ...admin)).code).toBe(2);
    expect((await cli('token', 'create', '--role', 'auditor', '--ttl', 'soon', ...admin)).code).toBe(2);
    expect((await cli('token', 'frobnicate', ...admin)).code).toBe(2);
    expect((await cli('audit', 'export', '--since', 'yesterday', ...admin)).code).toBe(2);
    expect((await cli('token', 'create', '--role', 'agent', '--bootstrap', ...admin)).code).toBe(2);
  });
});
