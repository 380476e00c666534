// Guest side against a real partner in the same process: two embedded control planes (own stores, agents, tokens).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../../client/index.js';
import { startEmbedded, type Embedded } from '../../embedded/index.js';
import { packageRoot } from '../../lib/index.js';
import { waitFor } from '../../lib/testing/index.js';
import {
  API_VERSION,
  DeploymentKind,
  getCondition,
  NamespaceKind,
  SiteKind,
  WorkloadKind,
  type ResourceInput,
} from '../../model/index.js';
import { FederationKind } from './kinds.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-fed-guest-'));
let a: Embedded | undefined;
let b: Embedded | undefined;

afterAll(async () => {
  await a?.stop({ stopWorkloads: true });
  await b?.stop({ stopWorkloads: true });
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const secret = (name: string, data: Record<string, string>): ResourceInput => ({
  apiVersion: API_VERSION,
  kind: 'Secret',
  metadata: { name, namespace: 'continuum-system' },
  spec: { type: 'ewbi.continuum.eu/client-credentials', stringData: data },
});

describe('federation guest with an in-process partner', () => {
  it('partner zone becomes a Site; a replica placed there runs on the partner and is removed with its Deployment', async () => {
    const script = join(dir, 'where.cjs');
    writeFileSync(
      script,
      `require('node:http').createServer((q, s) => s.end(JSON.stringify({ site: process.env.CONTINUUM_SITE }))).listen(Number(process.env.PORT), '127.0.0.1');`,
    );
    const fx = (f: string): string => join(packageRoot(), 'test', 'fixtures', f);
    b = await startEmbedded({
      dataDir: join(dir, 'b'),
      port: 0,
      topology: fx('federation-beta.yaml'),
      confinement: 'off',
    });
    a = await startEmbedded({
      dataDir: join(dir, 'a'),
      port: 0,
      topology: fx('federation-alpha.yaml'),
      confinement: 'off',
    });
    const ca = new ContinuumClient({ server: a.url, token: a.adminToken });
    const cb = new ContinuumClient({ server: b.url, token: b.adminToken });
    await cb.create(secret('ewbi-client-alpha', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await ca.create(secret('fed-beta', { clientId: 'alpha', clientSecret: 'alpha-secret-0123456789' }));
    await ca.create(secret('ewbi-client-beta', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await ca.create(secret('fed-beta-cb', { clientId: 'beta', clientSecret: 'beta-secret-0123456789' }));
    await ca.create({
      apiVersion: API_VERSION,
      kind: 'Federation',
      metadata: { name: 'beta' },
      spec: {
        partner: { endpoint: b.url, provider: 'beta-partner' },
        credentialsSecret: { name: 'fed-beta' },
        callbackCredentialsSecret: { name: 'fed-beta-cb' },
        unavailableAfterSeconds: 4,
      },
    });
    const site = await waitFor(
      async () => {
        const s = await ca.tryGet(SiteKind, undefined, 'beta-munich-edge');
        return getCondition(s?.status?.conditions, 'Ready')?.status === 'True' ? s : undefined;
      },
      'partner zone Site Ready',
      60_000,
      200,
    );
    expect(site.spec).toMatchObject({ provider: 'beta-partner', location: { country: 'DE', city: 'Munich' } });
    expect(site.metadata.labels).toMatchObject({ 'continuum.eu/federation': 'beta' });
    const fed = await ca.get(FederationKind, undefined, 'beta');
    expect(fed.status).toMatchObject({ phase: 'Established' });

    await ca.create({
      apiVersion: API_VERSION,
      kind: 'Application',
      metadata: { name: 'near', namespace: 'default' },
      spec: {
        requirements: { latency: [{ area: 'munich', maxMs: 5, component: 'web' }] },
        components: [
          {
            name: 'web',
            runtime: 'process',
            artifact: { command: process.execPath, args: [script] },
            ports: [{ name: 'http', protocol: 'HTTP', expose: true }],
            resources: { cpu: '100m', memory: '64Mi' },
            healthCheck: { http: { path: '/', port: 'http' }, periodSeconds: 0.5 },
          },
        ],
      },
    });
    await ca.create({
      apiVersion: API_VERSION,
      kind: 'Deployment',
      metadata: { name: 'near', namespace: 'default' },
      spec: { application: 'near' },
    });
    const dep = await waitFor(
      async () => {
        const d = await ca.get(DeploymentKind, 'default', 'near');
        return d.status?.phase === 'Running' && d.status.endpoints?.length ? d : undefined;
      },
      'near Running',
      90_000,
      250,
    );
    expect(dep.status?.placement?.assignments?.[0]).toMatchObject({ site: 'beta-munich-edge', via: 'beta' });
    const res = await fetch(`${a.url}/gw/default/near/`, { headers: { authorization: `Bearer ${a.adminToken}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { site: string }).site).toBe('munich-edge');
    const fedNs = (await cb.list(NamespaceKind)).items.map((n) => n.metadata.name).filter((n) => n.startsWith('fed-'));
    expect(fedNs).toHaveLength(1);
    expect((await cb.list(WorkloadKind, { namespace: fedNs[0] })).items).toHaveLength(1);

    await ca.delete(DeploymentKind, 'default', 'near');
    await waitFor(
      async () => (await cb.list(WorkloadKind, { namespace: fedNs[0] })).items.length === 0,
      'instance removed on the partner',
      60_000,
      250,
    );

    // Deleting the federation while a replica runs there: the replica leaves, then the partner's side goes.
    await ca.create({
      apiVersion: API_VERSION,
      kind: 'Deployment',
      metadata: { name: 'near', namespace: 'default' },
      spec: { application: 'near' },
    });
    await waitFor(
      async () => (await ca.get(DeploymentKind, 'default', 'near')).status?.phase === 'Running',
      'near Running again',
      90_000,
      250,
    );
    await ca.delete(FederationKind, undefined, 'beta');
    await waitFor(
      async () => !(await ca.tryGet(FederationKind, undefined, 'beta')),
      'federation gone in A',
      90_000,
      250,
    );
    expect(await ca.tryGet(SiteKind, undefined, 'beta-munich-edge')).toBeUndefined();
    expect((await ca.list(WorkloadKind, { namespace: 'default' })).items).toHaveLength(0);
    await waitFor(
      async () => !(await cb.tryGet(NamespaceKind, undefined, fedNs[0])),
      "the federation's namespace gone in B",
      90_000,
      250,
    );
  }, 400_000);
});
