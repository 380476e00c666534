// Nearest-replica routing end to end (issue 19): `continuum up`'s embedded agents run a replica near Zurich and
// one near London; callers of each area reach their own, and fail over to the other with 0 failed requests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../src/client/index.js';
import { startEmbedded, type Embedded } from '../src/embedded/index.js';
import { API_VERSION, DeploymentKind, isApiError, UserAreaKind, WorkloadKind } from '../src/model/index.js';
import { rawRequest } from '../src/api/gateway/testing/index.js';
import { waitFor } from '../src/lib/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-gw-areas-'));
let emb: Embedded | undefined;
const pids = new Set<number>();

afterAll(async () => {
  await emb?.stop({ stopWorkloads: true });
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The test shares the admin credential with nothing else, but rides out a rate limit all the same. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isApiError(e, 'TooManyRequests') || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200)); // back-off before retrying, not a wait for some state
    }
  }
}

const SERVER = `
const http = require('node:http');
const site = process.env.CONTINUUM_SITE;
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ site }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

describe('gateway nearest-replica routing with real agents and workloads', () => {
  it('routes Zurich and London callers to their own replicas and fails over with 0 failed requests', async () => {
    const script = join(dir, 'where.cjs');
    writeFileSync(script, SERVER);
    // The workload's script lives in this test's temp dir, which a confined workload cannot see (its /tmp is
    // private); routing is what is tested here, confinement has its own suite (test/attack-process.test.ts).
    emb = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, confinement: 'off' });
    const port = Number(new URL(emb.url).port);
    const c = new ContinuumClient({ server: emb.url, token: emb.adminToken });
    const area = await retry(() => c.get(UserAreaKind, undefined, 'zurich'));
    await retry(() => c.update({ ...area, spec: { ...area.spec, networks: ['127.0.0.2/32'] } }));
    await retry(() =>
      c.create({
        apiVersion: API_VERSION,
        kind: 'Application',
        metadata: { name: 'conf', namespace: 'default' },
        spec: {
          requirements: {
            latency: [
              { area: 'zurich', maxMs: 15, component: 'web' },
              { area: 'london', maxMs: 15, component: 'web' },
            ],
          },
          components: [
            {
              name: 'web',
              runtime: 'process',
              artifact: { command: 'node', args: [script] },
              ports: [{ name: 'http', protocol: 'HTTP', expose: true }],
              resources: { cpu: '100m', memory: '64Mi' },
              healthCheck: { http: { path: '/', port: 'http' }, periodSeconds: 1 },
              restartPolicy: 'Always',
            },
          ],
        },
      }),
    );
    await retry(() =>
      c.create({
        apiVersion: API_VERSION,
        kind: 'Deployment',
        metadata: { name: 'conf', namespace: 'default' },
        spec: {
          application: 'conf',
          areas: [
            { area: 'zurich', replicas: 1 },
            { area: 'london', replicas: 1 },
          ],
        },
      }),
    );
    const dep = await waitFor(
      async () => {
        const d = await retry(() => c.get(DeploymentKind, 'default', 'conf'));
        const eps = d.status?.endpoints ?? [];
        return d.status?.phase === 'Running' && eps.length === 2 ? d : undefined;
      },
      'conf Running with a replica per area',
      60_000,
      250,
    );
    const siteOf = Object.fromEntries(dep.status!.endpoints!.map((e) => [e.area!, e.site!]));
    expect(siteOf.zurich).not.toBe(siteOf.london);
    const call = async (headers: Record<string, string>, localAddress?: string) => {
      const r = await rawRequest(port, {
        path: '/gw/default/conf/',
        headers: { authorization: `Bearer ${emb!.adminToken}`, ...headers },
        ...(localAddress ? { localAddress } : {}),
      });
      return { status: r.status, site: r.status === 200 ? (JSON.parse(r.body) as { site: string }).site : r.body };
    };
    for (let i = 0; i < 5; i++) {
      expect(await call({ 'x-continuum-area': 'zurich' })).toEqual({ status: 200, site: siteOf.zurich });
      expect(await call({ 'x-continuum-area': 'london' })).toEqual({ status: 200, site: siteOf.london });
      // By address: 127.0.0.2 is in Zurich's networks.
      expect(await call({}, '127.0.0.2')).toEqual({ status: 200, site: siteOf.zurich });
    }

    // Load from both areas while Zurich's replica is killed and restarted by its agent.
    const failures: string[] = [];
    const seen = { zurich: new Set<string>(), london: new Set<string>() };
    let count = 0;
    let stop = false;
    const loop = (a: 'zurich' | 'london') =>
      (async () => {
        while (!stop) {
          const r = await call({ 'x-continuum-area': a }).catch((e: Error) => ({ status: 0, site: e.message }));
          count++;
          if (r.status !== 200) failures.push(`${a}: ${r.status} ${r.site}`);
          else seen[a].add(r.site);
        }
      })();
    const loops = [loop('zurich'), loop('london')];
    const zw = (await retry(() => c.list(WorkloadKind, { namespace: 'default' }))).items.find(
      (w) => w.spec.siteName === siteOf.zurich,
    )!;
    const pid = zw.status!.pid!;
    pids.add(pid);
    seen.zurich.clear();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => seen.zurich.has(siteOf.london), 'zurich callers served from london', 30_000, 20);
    seen.zurich.clear();
    await waitFor(
      () => seen.zurich.has(siteOf.zurich),
      'zurich callers back on the restarted zurich replica',
      60_000,
      50,
    );
    stop = true;
    await Promise.all(loops);
    console.log(
      `gateway areas e2e: zurich → ${siteOf.zurich}, london → ${siteOf.london}; ` +
        `${count} requests during failover and back, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect([...seen.london]).toEqual([siteOf.london]);
  }, 180_000);
});
