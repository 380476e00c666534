// A control plane whose audit chain was edited while it was down starts, but stays unready and names the record.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startControlPlane } from '../controlplane/index.js';
import { API_VERSION } from '../model/index.js';
import { securityPaths } from '../security/index.js';
import { BASE, startSecureEnv } from './testing/secure-env.js';

describe('audit chain at start', () => {
  it('sets readiness false naming the edited record, and verify names it too', async () => {
    const env = await startSecureEnv({ runControllers: false });
    const log = securityPaths(env.dataDir).auditLog;
    let cp: Awaited<ReturnType<typeof startControlPlane>> | undefined;
    try {
      for (let i = 0; i < 5; i++)
        expect(
          (
            await env.req(env.adminToken, 'POST', `${BASE}/namespaces`, {
              apiVersion: API_VERSION,
              kind: 'Namespace',
              metadata: { name: `ns-${i}` },
            })
          ).status,
        ).toBe(201);
      await env.cp.stop();
      const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(5);
      // Edit a record in the middle: the tail stays intact, so the log opens for appending.
      lines[2] = lines[2].replace('"outcome":"allowed"', '"outcome":"denied"');
      writeFileSync(log, lines.map((l) => `${l}\n`).join(''));

      cp = await startControlPlane({ dataDir: env.dataDir, port: 0, synchronous: 'NORMAL' });
      const anon = await fetch(`${cp.url}/readyz`);
      expect(anon.status).toBe(503);
      expect(((await anon.json()) as { errors: Array<{ field: string }> }).errors).toContainEqual({
        field: 'checks.audit',
        message: 'failing',
      });
      const admin = await fetch(`${cp.url}/readyz`, { headers: { authorization: `Bearer ${cp.adminToken}` } });
      const body = (await admin.json()) as { errors: Array<{ field: string; message: string }> };
      expect(body.errors.find((e) => e.field === 'checks.audit')?.message).toMatch(
        /audit chain broken at record 2: record 2: content was altered/,
      );
    } finally {
      await cp?.stop();
      rmSync(env.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
