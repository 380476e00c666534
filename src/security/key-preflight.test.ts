// Missing or unreadable keys with existing data: refuse to start, say what is missing, never generate over data.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, NamespaceKind } from '../model/index.js';
import { namespace } from '../model/testing/index.js';
import { SqliteBackend, Store } from '../store/index.js';
import { securityPaths } from './keyfile.js';
import { SecretKind } from './kinds.js';
import { MissingKeysError } from './key-preflight.js';
import { ContinuumSecurity } from './service.js';

const root = mkdtempSync(join(tmpdir(), 'ctm-keys-'));
const seeded = join(root, 'seeded');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts security over `dir` (SQLite store in it), runs `fn`, and closes both. */
async function withSecurity(dir: string, fn?: (s: ContinuumSecurity, store: Store) => Promise<void>): Promise<void> {
  const store = new Store(new SqliteBackend({ path: join(dir, 'continuum.db') }));
  try {
    const sec = await ContinuumSecurity.create({ dataDir: dir, store, adminToken: 'cnt_admin' });
    try {
      await fn?.(sec, store);
    } finally {
      await sec.close();
    }
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  // A fresh data dir initialises: keys are created; then it gets a Secret and audit records.
  await withSecurity(seeded, async (sec, store) => {
    await store.create(NamespaceKind, namespace('acme'));
    await store.create(SecretKind, {
      apiVersion: API_VERSION,
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'acme' },
      spec: { stringData: { password: 'hunter2' } },
    });
    const admin = await sec.authenticate({ authorization: 'Bearer cnt_admin' });
    await sec.audit({ requestId: 'r1', subject: 'admin', verb: 'create', outcome: 'allowed', status: 201 }, admin);
  });
  for (const f of Object.values(securityPaths(seeded))) if (f.includes('keys')) expect(existsSync(f)).toBe(true);
});

describe('key preflight', () => {
  const P = securityPaths('');
  const cases: Array<{ name: string; remove: string[]; says: RegExp[]; not?: RegExp[] }> = [
    {
      name: 'the whole keys/ directory is gone',
      remove: [P.keysDir],
      says: [/token-signing\.json is missing/, /audit-ed25519\.pem is missing/, /secrets-kek\.json is missing/],
    },
    {
      name: 'only the secret encryption key is gone',
      remove: [P.secretKeys],
      says: [/secrets-kek\.json is missing \(secret encryption key: every stored Secret would be unreadable\)/],
      not: [/token-signing/, /audit-ed25519/],
    },
    {
      name: 'only the token signing key is gone',
      remove: [P.tokenKeys],
      says: [/token-signing\.json is missing \(token signing key/],
      not: [/secrets-kek/],
    },
  ];
  it.each(cases)('$name: refuses to start and generates nothing', async (c) => {
    const dir = join(root, c.name.replace(/\W+/g, '-'));
    cpSync(seeded, dir, { recursive: true });
    for (const r of c.remove) rmSync(join(dir, r), { recursive: true, force: true });
    const err = await withSecurity(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingKeysError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^refusing to start: .* already holds data/);
    expect(msg).toMatch(/Restore the keys\/ directory from a backup/);
    for (const s of c.says) expect(msg).toMatch(s);
    for (const s of c.not ?? []) expect(msg).not.toMatch(s);
    for (const r of c.remove) expect(existsSync(join(dir, r)), `${r} was regenerated`).toBe(false);
    // Restoring the keys from the backup is enough to start again, with the Secret still readable.
    cpSync(join(seeded, 'keys'), join(dir, 'keys'), { recursive: true });
    await withSecurity(dir, async (_s, store) => {
      const secret = await store.get(SecretKind, 'acme', 'db');
      expect(secret?.metadata.name).toBe('db');
    });
    expect(readFileSync(join(dir, P.secretKeys))).toEqual(readFileSync(join(seeded, P.secretKeys)));
  });

  it('a fresh data dir still initialises', async () => {
    const dir = join(root, 'fresh');
    await withSecurity(dir);
    expect(existsSync(join(dir, P.tokenKeys))).toBe(true);
  });
});
