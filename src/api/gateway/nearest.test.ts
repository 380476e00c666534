// Nearest-replica routing (issue 19): callers from two areas reach their own replicas (real processes on real
// ports) and fail over between them with no failed request.
import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, NamespaceKind, UserAreaKind } from '../../model/index.js';
import { deployment, namespace, userArea } from '../../model/testing/index.js';
import { SqliteBackend, Store } from '../../store/index.js';
import { waitFor } from '../../lib/testing/wait.js';
import { createApiServer } from '../server.js';
import { StaticTokenSecurity } from '../testing/static-security.js';
import { notReadySite, rawRequest, readySite } from './testing/index.js';

const TOKEN = 'near-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const ZURICH_CALLER = '127.0.0.2';
const LONDON_CALLER = '127.0.0.3';
const SERVER = `
const http = require('node:http');
const name = process.argv[1];
const s = http.createServer((req, res) => res.end(JSON.stringify({ name })));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
`;

interface Replica {
  name: string;
  url: string;
  proc: ChildProcess;
}
const procs: ChildProcess[] = [];
let app: FastifyInstance;
let store: Store;
let port: number;

/** Starts a workload process answering `{name}` on a free loopback port. */
async function replica(name: string): Promise<Replica> {
  const proc = spawn(process.execPath, ['-e', SERVER, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const p = await waitFor(() => /PORT (\d+)/.exec(out)?.[1], `replica ${name} listening`, 20_000);
  return { name, url: `http://127.0.0.1:${p}`, proc };
}

async function setEndpoints(eps: Array<{ r: Replica; site: string; area: string }>): Promise<void> {
  const d = (await store.get(DeploymentKind, 'default', 'conf'))!;
  await store.updateStatus(DeploymentKind, {
    ...d,
    status: {
      phase: 'Running',
      endpoints: eps.map((e) => ({ component: 'web', port: 'http', area: e.area, site: e.site, url: e.r.url })),
    },
  });
}

async function callFrom(ip: string, headers: Record<string, string> = {}): Promise<{ status: number; name?: string }> {
  const r = await rawRequest(port, { path: '/gw/default/conf/', headers: { ...auth, ...headers }, localAddress: ip });
  return { status: r.status, name: r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : r.body };
}

let z1: Replica;
let z2: Replica;
let l1: Replica;

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  await store.create(NamespaceKind, namespace('default'));
  await store.create(DeploymentKind, deployment('default', 'conf'));
  const zurich = { country: 'CH', city: 'Zurich', latitude: 47.3769, longitude: 8.5417 };
  const london = { country: 'GB', city: 'London', latitude: 51.5072, longitude: -0.1276 };
  await store.create(UserAreaKind, userArea('zurich', { location: zurich, networks: [`${ZURICH_CALLER}/32`] }));
  await store.create(
    UserAreaKind,
    userArea('london', { location: london, networks: ['127.0.0.0/8', `${LONDON_CALLER}/32`] }),
  );
  // Two equal sites in Zurich (the load is shared), one in London.
  await readySite(store, 'zrh-a', { category: 'far-edge', location: { ...zurich, latitude: 47.38 } });
  await readySite(store, 'zrh-b', { category: 'far-edge', location: { ...zurich, latitude: 47.375 } });
  await readySite(store, 'lon-a', { category: 'far-edge', location: { ...london, latitude: 51.5 } });
  [z1, z2, l1] = await Promise.all([replica('z1'), replica('z2'), replica('l1')]);
  await setEndpoints([
    { r: l1, site: 'lon-a', area: 'london' },
    { r: z1, site: 'zrh-a', area: 'zurich' },
    { r: z2, site: 'zrh-b', area: 'zurich' },
  ]);
  app = await createApiServer({ store, security: new StaticTokenSecurity(TOKEN), version: 'test' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  for (const p of procs) p.kill('SIGKILL');
});

describe('nearest-replica routing', () => {
  it('sends callers of each area to their own nearest replicas, balancing among equals', async () => {
    const zurich = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const r = await callFrom(ZURICH_CALLER);
      expect(r.status, r.name).toBe(200);
      zurich.set(r.name!, (zurich.get(r.name!) ?? 0) + 1);
    }
    expect([...zurich.keys()].sort()).toEqual(['z1', 'z2']);
    expect(Math.min(...zurich.values())).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 5; i++) expect(await callFrom(LONDON_CALLER)).toEqual({ status: 200, name: 'l1' });
    // The longest prefix wins: 127.0.0.2/32 (zurich) over 127.0.0.0/8 (london); other loopback callers are london's.
    expect(await callFrom('127.0.0.9')).toEqual({ status: 200, name: 'l1' });
    // An explicit area header overrides the address.
    expect(await callFrom(ZURICH_CALLER, { 'x-continuum-area': 'london' })).toEqual({ status: 200, name: 'l1' });
    const unknown = await callFrom(ZURICH_CALLER, { 'x-continuum-area': 'atlantis' });
    expect(unknown.status).toBe(400);
    expect(unknown.name).toContain('header.x-continuum-area');
  });

  it('fails over to the next nearest replica and back with 0 failed requests', async () => {
    const seen: Record<string, Set<string>> = { zurich: new Set(), london: new Set() };
    const failures: string[] = [];
    let stop = false;
    let count = 0;
    const load = (area: 'zurich' | 'london', ip: string) =>
      (async () => {
        while (!stop) {
          try {
            const r = await callFrom(ip);
            count++;
            if (r.status !== 200) failures.push(`${area}: ${r.status} ${r.name}`);
            else seen[area].add(r.name!);
          } catch (e) {
            failures.push(`${area}: ${(e as Error).message}`);
          }
        }
      })();
    const loops = [load('zurich', ZURICH_CALLER), load('zurich', ZURICH_CALLER), load('london', LONDON_CALLER)];
    await waitFor(() => seen.zurich.size === 2 && seen.london.has('l1'), 'traffic in both areas');
    // Both Zurich replicas die: Zurich's callers are served from London at once (connect failure → next nearest).
    z1.proc.kill('SIGKILL');
    z2.proc.kill('SIGKILL');
    seen.zurich.clear();
    await waitFor(() => seen.zurich.has('l1'), 'zurich callers served from london', 20_000);
    // The sites stop renewing and turn NotReady: their endpoints are skipped without a connect attempt.
    await notReadySite(store, 'zrh-a');
    await notReadySite(store, 'zrh-b');
    const before = count;
    await waitFor(() => count > before + 20, 'more requests after the sites turned NotReady', 20_000);
    // A replacement comes up in Zurich: Zurich's callers go back to it, London's stay in London.
    const z3 = await replica('z3');
    await readySite(store, 'zrh-a');
    await setEndpoints([
      { r: l1, site: 'lon-a', area: 'london' },
      { r: z3, site: 'zrh-a', area: 'zurich' },
    ]);
    seen.zurich.clear();
    seen.london.clear();
    await waitFor(() => seen.zurich.has('z3'), 'zurich callers back on a zurich replica', 20_000);
    const settled = count;
    await waitFor(() => count > settled + 20, 'more requests after the move back', 20_000);
    stop = true;
    await Promise.all(loops);
    console.log(`nearest-replica failover: ${count} requests from two areas, ${failures.length} failed`);
    expect(failures, `${failures.length} failed of ${count}`).toEqual([]);
    expect([...seen.london]).toEqual(['l1']);
    expect(count).toBeGreaterThan(50);
  }, 120_000);
});
