// Embedded agents through `startEmbedded`: one agent per bundled site, logs via the tunnel, workloads survive a restart.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import { killTree } from '../lib/testing/index.js';
import { startEmbedded, type Embedded } from '../embedded/index.js';
import {
  API_VERSION,
  getCondition,
  isApiError,
  SiteKind,
  WorkloadKind,
  type SiteStatus,
  type WorkloadStatus,
} from '../model/index.js';
import { chattyServer, pidGone, sleep, waitFor } from './testing/env.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-embedded-'));
const pids = new Set<number>();
let emb: Embedded | undefined;

afterAll(async () => {
  await emb?.stop();
  for (const pid of pids) killTree(pid);
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-agents`, { recursive: true, force: true });
});

/** The embedded agents share the admin credential with this test's client (polling gently): ride out its rate limit. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isApiError(e, 'TooManyRequests') || i > 50) throw e;
      await sleep(200); // a back-off before retrying, not a wait for some state
    }
  }
}

const wlStatus = async (c: ContinuumClient): Promise<WorkloadStatus> =>
  ((await retry(() => c.get(WorkloadKind, 'default', 'emb-web'))).status ?? {}) as WorkloadStatus;

describe('embedded agents', () => {
  it('run one agent per site, serve logs, and leave workloads running across a restart', async () => {
    const progress: string[] = [];
    emb = await startEmbedded({ dataDir: dir, port: 0, progress: (m) => progress.push(m) });
    const client = new ContinuumClient({ server: emb.url, token: emb.adminToken });
    const sites = (await retry(() => client.list(SiteKind))).items;
    expect(progress).toContain(`agents: ${sites.length} connected`);
    await waitFor(
      async () => {
        const items = (await retry(() => client.list(SiteKind))).items;
        return items.every(
          (s) => getCondition((s.status as SiteStatus | undefined)?.conditions, 'Ready')?.status === 'True',
        );
      },
      'every site heartbeating',
      10_000,
      200,
    );

    const site = sites[0].metadata.name;
    await retry(() =>
      client.create({
        apiVersion: API_VERSION,
        kind: 'Workload',
        metadata: { name: 'emb-web', namespace: 'default' },
        spec: {
          component: 'web',
          siteName: site,
          artifact: chattyServer(3, 1000),
          ports: [{ name: 'http' }],
          terminationGracePeriodSeconds: 1,
        },
      }),
    );
    const st = await waitFor(
      async () => {
        const s = await wlStatus(client);
        return s.phase === 'Running' && s.pid && s;
      },
      'the workload Running',
      10_000,
      100,
    );
    pids.add(st.pid!);
    // Agent state and workload dirs live beside the control plane's data dir, never inside it.
    expect(existsSync(join(dir, 'agents'))).toBe(false);
    expect(existsSync(join(`${dir}-agents`, site, 'credential.json'))).toBe(true);
    const lines = await retry(async () => {
      const out: string[] = [];
      for await (const chunk of client.logs('default', 'emb-web', { tailLines: 2 })) out.push(chunk);
      return out;
    });
    expect(lines.join('')).toMatch(/line \d/);

    await emb.stop();
    emb = undefined;
    expect(pidGone(st.pid!)).toBe(false);

    emb = await startEmbedded({ dataDir: dir, port: 0 });
    const c2 = new ContinuumClient({ server: emb.url, token: emb.adminToken });
    const again = await waitFor(
      async () => {
        const s = await wlStatus(c2);
        return s.phase === 'Running' && s.pid === st.pid && s;
      },
      'the same process re-adopted',
      10_000,
      100,
    );
    expect(again.restarts).toBe(0);
  }, 180_000); // 31 embedded agents, an image build where podman works, a restart: slow on a loaded machine
});
