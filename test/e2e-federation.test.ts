// Federation end to end (issue 14): two control planes started independently federate over EWBI; every EWBI
// exchange between them passes a proxy that validates it against the spec's schemas.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../src/client/index.js';
import {
  FederationKind,
  FederationOperationKind,
  IDS_ANNOTATION,
  type Federation,
} from '../src/federation/guest/index.js';
import { startEwbiProxy, type EwbiProxy } from '../src/federation/testing/ewbi-proxy.js';
import { EwbiValidator } from '../src/federation/testing/ewbi-validator.js';
import {
  API_VERSION,
  ApplicationKind,
  DeploymentKind,
  getCondition,
  NamespaceKind,
  SiteKind,
  WorkloadKind,
  type Workload,
} from '../src/model/index.js';
import { SecretKind } from '../src/security/index.js';
import {
  adminToken,
  killHard,
  killTree,
  ROOT,
  startChild,
  stopGracefully,
  tempDir,
  until,
  type Child,
} from './harness.js';

const dir = tempDir('e2e-fed');
const children: Child[] = [];
const proxies: EwbiProxy[] = [];
const workloadPids = new Set<number>();
const validator = new EwbiValidator();

afterAll(async () => {
  for (const c of children) await stopGracefully(c, 5000).catch(() => undefined);
  for (const p of proxies) await p.close().catch(() => undefined);
  for (const pid of workloadPids) killTree(pid);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

interface Plane {
  name: string;
  dataDir: string;
  child: Child;
  url: string;
  c: ContinuumClient;
}

async function up(name: string, topology: string, port = 0): Promise<Plane> {
  const dataDir = join(dir, name);
  const child = await startChild(
    [
      'up',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--topology',
      join(ROOT, 'test', 'fixtures', topology),
      '--unconfined',
      '--stop-workloads-on-exit',
    ],
    /API:\s+(\S+)/,
    { HOME: dir },
    60_000,
    dir,
  );
  children.push(child);
  const c = new ContinuumClient({ server: child.url, token: adminToken(dataDir) });
  return { name, dataDir, child, url: child.url, c };
}

const SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ site: process.env.CONTINUUM_SITE ?? null, path: req.url }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name, namespace: 'continuum-system' },
  spec: { type: 'ewbi.continuum.eu/client-credentials', stringData: data },
});

function application(name: string, script: string, maxMs: number, weights?: Record<string, number>) {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name, namespace: 'default' },
    spec: {
      requirements: { latency: [{ area: 'munich', maxMs, component: 'web' }], ...(weights ? { weights } : {}) },
      components: [
        {
          name: 'web',
          runtime: 'process',
          artifact: { command: process.execPath, args: [script] },
          ports: [{ name: 'http', protocol: 'HTTP', expose: true }],
          resources: { cpu: '100m', memory: '64Mi' },
          healthCheck: { http: { path: '/', port: 'http' }, periodSeconds: 1 },
          restartPolicy: 'Always',
        },
      ],
    },
  };
}
const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: API_VERSION,
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { application: name, ...extra },
});

/** Workloads B runs for federations (in the namespaces it keeps per federation). */
async function guestWorkloads(b: Plane): Promise<Workload[]> {
  const nss = (await b.c.list(NamespaceKind)).items.map((n) => n.metadata.name).filter((n) => n.startsWith('fed-'));
  const out: Workload[] = [];
  for (const ns of nss)
    out.push(...(await b.c.list(WorkloadKind, { namespace: ns })).items.filter((w) => !w.metadata.deletionTimestamp));
  return out;
}
async function guestApplications(b: Plane): Promise<string[]> {
  const nss = (await b.c.list(NamespaceKind)).items.map((n) => n.metadata.name).filter((n) => n.startsWith('fed-'));
  const out: string[] = [];
  for (const ns of nss)
    out.push(...(await b.c.list(ApplicationKind, { namespace: ns })).items.map((a) => `${ns}/${a.metadata.name}`));
  return out;
}

const gw = async (a: Plane, dep: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${a.url}/gw/default/${dep}/`, {
    headers: { authorization: `Bearer ${adminToken(a.dataDir)}` },
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
};

describe('federation between two independently started control planes', () => {
  it('federates, runs on the partner zone only B meets, survives either side dying, cleans up', async (t) => {
    t.onTestFailed(() => {
      for (const c of children) console.log(`--- ${c.url}\n${c.out().slice(-4000)}`);
    });
    const script = join(dir, 'where.cjs');
    writeFileSync(script, SERVER);
    const b = await up('b', 'federation-beta.yaml');
    let a = await up('a', 'federation-alpha.yaml');
    // Every EWBI exchange between them goes through a validating proxy: A → B requests, B → A callbacks.
    const toB = await startEwbiProxy(b.url, validator);
    const toA = await startEwbiProxy(a.url, validator);
    proxies.push(toB, toA);

    // The partnership: B issues A client credentials, A issues B credentials for the callbacks.
    await b.c.create(secret('ewbi-client-alpha', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await a.c.create(secret('fed-beta', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await a.c.create(secret('ewbi-client-beta', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await a.c.create(secret('fed-beta-callback', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await a.c.create({
      apiVersion: API_VERSION,
      kind: 'Federation',
      metadata: { name: 'beta' },
      spec: {
        partner: { endpoint: toB.url, provider: 'beta-partner', legalName: 'Beta Edge GmbH' },
        credentialsSecret: { name: 'fed-beta' },
        callbackCredentialsSecret: { name: 'fed-beta-callback' },
        callbackBaseUrl: toA.url,
        unavailableAfterSeconds: 4,
      },
    });
    const fed = async (): Promise<Federation> => a.c.get(FederationKind, undefined, 'beta');
    await until(
      'federation Established with the Munich zone',
      async () => {
        const f = await fed();
        return f.status?.phase === 'Established' && !!f.status.acceptedZones?.some((z) => z.zoneId === 'munich-edge');
      },
      60_000,
      250,
    );
    const zoneSite = 'beta-munich-edge';
    await until(
      'partner zone Site Ready in A',
      async () => {
        const s = await a.c.tryGet(SiteKind, undefined, zoneSite);
        return getCondition(s?.status?.conditions, 'Ready')?.status === 'True';
      },
      60_000,
      250,
    );
    const site = await a.c.get(SiteKind, undefined, zoneSite);
    expect(site.spec.provider).toBe('beta-partner');
    expect(site.metadata.labels?.['continuum.eu/federation']).toBe('beta');

    // A Deployment whose latency bound only B's zone meets runs on B and answers through A's gateway.
    await a.c.create(application('near', script, 5));
    await a.c.create(deployment('near'));
    await until(
      'near Running on the partner zone',
      async () => {
        const d = await a.c.get(DeploymentKind, 'default', 'near');
        return d.status?.phase === 'Running' && !!d.status.endpoints?.length;
      },
      90_000,
      250,
    );
    const near = await a.c.get(DeploymentKind, 'default', 'near');
    expect(near.status?.placement?.assignments?.[0]).toMatchObject({ site: zoneSite, via: 'beta' });
    expect(near.status?.placement?.explanation?.[0]?.summary).toMatch(/via federation beta/);
    for (const w of await guestWorkloads(b)) if (w.status?.pid) workloadPids.add(w.status.pid);
    const answer = await gw(a, 'near');
    expect(answer.status).toBe(200);
    expect(answer.body.site).toBe('munich-edge');
    expect((await guestWorkloads(b)).filter((w) => w.status?.phase === 'Running')).toHaveLength(1);

    // Deleting it in A removes it from B.
    await a.c.delete(DeploymentKind, 'default', 'near');
    await until('instance gone from B', async () => (await guestWorkloads(b)).length === 0, 60_000, 250);
    await until(
      'workload gone from A',
      async () => (await a.c.list(WorkloadKind, { namespace: 'default' })).items.length === 0,
      60_000,
      250,
    );

    // A deployment that prefers B's zone but may run at home: SIGKILL B → zones unavailable, re-placed onto A's site.
    await a.c.create(application('flex', script, 5000, { latency: 100 }));
    await a.c.create(deployment('flex'));
    await until(
      'flex Running on the partner zone',
      async () => {
        const d = await a.c.get(DeploymentKind, 'default', 'flex');
        return d.status?.phase === 'Running' && d.status.placement?.assignments?.[0]?.site === zoneSite;
      },
      90_000,
      250,
    );
    for (const w of await guestWorkloads(b)) if (w.status?.pid) workloadPids.add(w.status.pid);
    const bPort = Number(new URL(b.url).port);
    await killHard(b.child);
    const killedAt = Date.now();
    await until(
      'zone NOT_AVAILABLE in A',
      async () => (await fed()).status?.acceptedZones?.[0]?.status === 'NOT_AVAILABLE',
      30_000,
      200,
    );
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    await until(
      "flex re-placed onto A's own site",
      async () => {
        const d = await a.c.get(DeploymentKind, 'default', 'flex');
        return d.status?.phase === 'Running' && d.status.placement?.assignments?.[0]?.site === 'lisbon-metro';
      },
      60_000,
      250,
    );
    expect((await gw(a, 'flex')).body.site).toBe('lisbon-metro');

    // B back (same data, same port): its zone is available again and nothing is duplicated.
    const b2 = await up('b', 'federation-beta.yaml', bPort);
    await until('federation Established again', async () => (await fed()).status?.phase === 'Established', 60_000, 250);
    await until(
      'the abandoned instance removed on B',
      async () => (await guestWorkloads(b2)).length === 0,
      60_000,
      250,
    );
    expect(
      (await a.c.list(WorkloadKind, { namespace: 'default' })).items.filter((w) => !w.metadata.deletionTimestamp),
    ).toHaveLength(1);

    // SIGKILL A in the middle of an onboarding: after restart exactly one application and one instance on B.
    const before = new Set(await guestApplications(b2));
    await a.c.create(application('crash', script, 5));
    await a.c.create(deployment('crash'));
    await until(
      'onboarding under way',
      async () =>
        (await a.c.list(FederationOperationKind)).items.some(
          (o) => o.spec.operation === 'UploadArtefact' || o.spec.operation === 'OnboardApplication',
        ),
      60_000,
      20,
    );
    const aPort = Number(new URL(a.url).port);
    await killHard(a.child);
    a = await up('a', 'federation-alpha.yaml', aPort);
    await until(
      'crash Running on the partner after A restarted',
      async () => {
        const d = await a.c.get(DeploymentKind, 'default', 'crash');
        return d.status?.phase === 'Running';
      },
      90_000,
      250,
    );
    const apps = (await guestApplications(b2)).filter((x) => !before.has(x));
    expect(apps).toHaveLength(1);
    const instances = (await guestWorkloads(b2)).filter((w) => w.status?.phase === 'Running');
    expect(instances).toHaveLength(1);
    for (const w of instances) if (w.status?.pid) workloadPids.add(w.status.pid);
    const mine = (await a.c.list(WorkloadKind, { namespace: 'default' })).items.find(
      (w) => w.spec.siteName === zoneSite,
    );
    expect(JSON.parse(mine!.metadata.annotations![IDS_ANNOTATION]).appInstanceId).toMatch(/^i-/);

    // Deleting the federation cleans up both sides.
    await a.c.delete(FederationKind, undefined, 'beta');
    await until(
      'federation gone in A',
      async () => !(await a.c.tryGet(FederationKind, undefined, 'beta')),
      90_000,
      250,
    );
    expect(await a.c.tryGet(SiteKind, undefined, zoneSite)).toBeUndefined();
    expect(await guestWorkloads(b2)).toHaveLength(0);
    expect(await b2.c.tryGet(SecretKind, 'continuum-system', 'ewbi-client-alpha')).toBeDefined();

    validator.assertClean();
    expect(toB.log.length).toBeGreaterThan(10);
  }, 600_000);
});
