// /readyz reflects the store, the audit log and free disk space; anonymous callers see check names only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, SqliteBackend } from '../store/index.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';
import { freeBytes } from './readiness.js';

const TOKEN = 'test-token';
const dir = mkdtempSync(join(tmpdir(), 'continuum-readyz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class BrokenAudit extends StaticTokenSecurity {
  health(): string {
    return 'audit log cannot be written (EACCES: /secret/path/audit.log)';
  }
}

describe('/readyz', () => {
  const cases: Array<{
    name: string;
    minFreeBytes: number;
    security?: StaticTokenSecurity;
    status: number;
    anon: RegExp;
    operator: RegExp;
  }> = [
    { name: 'all fine', minFreeBytes: 1, status: 200, anon: /"status":"ready"/, operator: /"disk":"ok"/ },
    {
      name: 'disk below the threshold',
      minFreeBytes: 2 ** 60,
      status: 503,
      anon: /"detail":"not ready: disk"/,
      operator: /not ready: disk: only \d+ MiB free in .*continuum-readyz-.* \(threshold \d+ MiB\)/,
    },
    {
      name: 'audit log broken',
      minFreeBytes: 1,
      security: new BrokenAudit(TOKEN),
      status: 503,
      anon: /"detail":"not ready: audit"/,
      operator: /not ready: audit: audit log cannot be written \(EACCES/,
    },
  ];
  it.each(cases)('$name', async (c) => {
    const store = new Store(new SqliteBackend({ path: ':memory:' }));
    const app = await createApiServer({
      store,
      security: c.security ?? new StaticTokenSecurity(TOKEN),
      version: 'test',
      dataDir: dir,
      minFreeBytes: c.minFreeBytes,
    });
    try {
      const anon = await app.inject({ url: '/readyz' });
      expect(anon.statusCode).toBe(c.status);
      expect(anon.body).toMatch(c.anon);
      expect(anon.body).not.toMatch(/EACCES|continuum-readyz-|MiB/);
      if (c.status === 503) expect(anon.headers['retry-after']).toBe('5');
      const op = await app.inject({ url: '/readyz', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(op.statusCode).toBe(c.status);
      expect(op.body).toMatch(c.operator);
      // A wrong token is anonymous for this purpose.
      expect((await app.inject({ url: '/readyz', headers: { authorization: 'Bearer nope' } })).body).not.toMatch(
        /EACCES|MiB/,
      );
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('measures free space of the data dir', () => {
    expect(freeBytes(dir)).toBeGreaterThan(0);
  });
});
