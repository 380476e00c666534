// Graceful shutdown has a deadline: a stuck controller does not keep the control plane (or its port) alive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/index.js';
import { NamespaceKind } from '../model/index.js';
import { startControlPlane } from './controlplane.js';

const dir = mkdtempSync(join(tmpdir(), 'ctm-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('control plane shutdown', () => {
  it('stop() returns within its deadline although a reconcile never finishes, and the port is closed', async () => {
    let stuck = 0;
    const cp = await startControlPlane({
      dataDir: dir,
      port: 0,
      shutdownDeadlineSeconds: 1,
      controllers: [
        (m) => ({
          name: 'stuck',
          watches: [{ informer: m.informer(NamespaceKind) }],
          reconcile: async () => {
            stuck++;
            await new Promise(() => undefined); // never resolves, ignores its abort signal
          },
        }),
      ],
    });
    await waitFor(() => stuck > 0, 'the stuck reconcile to start');
    expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);
    const t0 = Date.now();
    await cp.stop();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(8000);
    await expect(fetch(`${cp.url}/healthz`)).rejects.toThrow();
  });
});
