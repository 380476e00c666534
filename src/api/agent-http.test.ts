// Agent onboarding and confinement end to end: bootstrap exchange over HTTP, site-bound credential, resolved env.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../client/index.js';
import { API_VERSION, ApiError, WorkloadKind } from '../model/index.js';
import { namespace, site as siteFixture, workload } from '../model/testing/index.js';
import { exchangeBootstrap, fetchWorkloadEnv, tokenPurpose, type AgentCredential } from '../agent/credential-client.js';
import { SecretKind } from '../security/index.js';
import { BASE, siteSpec, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

const PLAIN = 'agent-env-secret-V9';
let env: SecureEnv;
let cred: AgentCredential;
let bootstrap: string;
let agent: (method: string, url: string, body?: unknown) => ReturnType<SecureEnv['req']>;

const wl = (name: string, siteName: string) =>
  workload('acme', name, {
    siteName,
    spec: {
      artifact: { command: 'node' },
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      ],
    },
  });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof ApiError ? e.code : String(e);
  }
}

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'], sites: ['site-a', 'site-b'], runControllers: false });
  for (const [n, s] of [
    ['wa', 'site-a'],
    ['wb', 'site-b'],
  ])
    await env.cp.store.create(WorkloadKind, wl(n, s));
  await env.cp.store.create(SecretKind, {
    apiVersion: API_VERSION,
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'acme' },
    spec: { stringData: { password: PLAIN } },
  });
  // An infrastructure admin onboards the agent.
  const infra = (await env.issue({ role: 'infrastructure-admin' })).token;
  bootstrap = (await env.issue({ role: 'agent', site: 'site-a', bootstrap: true, ttlSeconds: 600 }, infra)).token;
  expect(tokenPurpose(bootstrap)).toBe('bootstrap');
  cred = await exchangeBootstrap(env.cp.url, bootstrap);
  agent = (method, url, body) => env.req(cred.token, method, url, body);
}, 30_000);
afterAll(() => env?.stop());

describe('site agent credentials over HTTP', () => {
  it('exchanges a bootstrap token once for a credential bound to its site', async () => {
    expect(cred).toMatchObject({ site: 'site-a' });
    expect(tokenPurpose(cred.token)).toBe('access');
    expect(await codeOf(exchangeBootstrap(env.cp.url, bootstrap))).toBe('TokenRevoked');
    expect((await agent('GET', '/auth/v1/whoami')).body).toMatchObject({
      principalKind: 'agent',
      site: 'site-a',
      roles: ['agent'],
    });
    // The exchange is in the audit log; the bootstrap token is not usable as an access token.
    expect((await env.req(bootstrap, 'GET', `${BASE}/sites/site-a`)).status).toBe(401);
  });

  it('reads only its site’s workloads and its own site', async () => {
    expect((await agent('GET', `${BASE}/namespaces/acme/workloads/wa`)).status).toBe(200);
    expect((await agent('GET', `${BASE}/namespaces/acme/workloads/wb`)).status).toBe(403);
    expect(
      (await agent('GET', `${BASE}/workloads`)).body.items.map((o: { metadata: { name: string } }) => o.metadata.name),
    ).toEqual(['wa']);
    expect((await agent('GET', `${BASE}/sites/site-a`)).status).toBe(200);
    expect((await agent('GET', `${BASE}/sites/site-b`)).status).toBe(403);
  });

  it('writes only its workloads’ status and its site’s status', async () => {
    const a = (await env.cp.store.get(WorkloadKind, 'acme', 'wa'))!;
    const b = (await env.cp.store.get(WorkloadKind, 'acme', 'wb'))!;
    expect(
      (
        await agent('PUT', `${BASE}/namespaces/acme/workloads/wa/status`, {
          ...a,
          status: { phase: 'Running', siteName: 'site-a' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await agent('PATCH', `${BASE}/namespaces/acme/workloads/wa/status`, { status: { phase: 'Running' } })).status,
    ).toBe(200);
    expect(
      (await agent('PUT', `${BASE}/namespaces/acme/workloads/wb/status`, { ...b, status: { phase: 'Running' } }))
        .status,
    ).toBe(403);
    // A status write naming its own site in the body does not reach another site's workload.
    expect(
      (
        await agent('PUT', `${BASE}/namespaces/acme/workloads/wb/status`, {
          ...b,
          spec: { ...b.spec, siteName: 'site-a' },
          status: { phase: 'Failed' },
        })
      ).status,
    ).toBe(403);
    const site = (await agent('GET', `${BASE}/sites/site-a`)).body;
    expect(
      (
        await agent('PUT', `${BASE}/sites/site-a/status`, {
          ...site,
          status: { lastHeartbeatTime: new Date().toISOString() },
        })
      ).status,
    ).toBe(200);
    const other = siteFixture('site-b', { spec: siteSpec(), status: { lastHeartbeatTime: new Date().toISOString() } });
    expect((await agent('PUT', `${BASE}/sites/site-b/status`, other)).status).toBe(403);
    const refused: Array<[string, string, unknown?]> = [
      ['PUT', `${BASE}/namespaces/acme/workloads/wa`, { ...a, spec: { ...a.spec, siteName: 'site-b' } }],
      ['PATCH', `${BASE}/namespaces/acme/workloads/wa`, { spec: { siteName: 'site-b' } }],
      ['DELETE', `${BASE}/namespaces/acme/workloads/wa`],
      ['POST', `${BASE}/namespaces/acme/workloads`, wl('wc', 'site-a')],
      ['PUT', `${BASE}/sites/site-a`, { ...site, spec: { ...site.spec, unschedulable: true } }],
      ['DELETE', `${BASE}/sites/site-a`],
      ['POST', `${BASE}/sites`, siteFixture('site-z', { spec: siteSpec() })],
      ['GET', `${BASE}/namespaces/acme/secrets/db`],
      [
        'POST',
        `${BASE}/namespaces/acme/secrets`,
        {
          apiVersion: API_VERSION,
          kind: 'Secret',
          metadata: { name: 'x', namespace: 'acme' },
          spec: { stringData: { a: 'b' } },
        },
      ],
      ['POST', `${BASE}/namespaces`, namespace('agent-ns')],
      ['POST', '/auth/v1/tokens', { role: 'agent', site: 'site-b' }],
      ['GET', '/audit/v1/verify'],
    ];
    for (const [m, u, body] of refused) expect((await agent(m, u, body)).status, `${m} ${u}`).toBe(403);
    expect(((await env.cp.store.get(WorkloadKind, 'acme', 'wa'))!.spec as { siteName: string }).siteName).toBe(
      'site-a',
    );
  });

  it('gets its workload’s env with secret references resolved, and nobody else’s', async () => {
    const client = new ContinuumClient({ server: env.cp.url, token: cred.token });
    const got = await fetchWorkloadEnv(client, 'acme', 'wa');
    expect(got.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'DB_PASSWORD', value: PLAIN },
    ]);
    expect(await codeOf(fetchWorkloadEnv(client, 'acme', 'wb'))).toBe('Forbidden');
    const auditor = new ContinuumClient({ server: env.cp.url, token: (await env.issue({ role: 'auditor' })).token });
    expect(await codeOf(fetchWorkloadEnv(auditor, 'acme', 'wa'))).toBe('Forbidden');
    // The Workload object holds the reference, never the value.
    expect((await env.req(env.adminToken, 'GET', `${BASE}/namespaces/acme/workloads/wa`)).text).not.toContain(PLAIN);
  });

  it('stops working at once when revoked', async () => {
    expect(
      (
        await env.req(env.adminToken, 'POST', `/auth/v1/tokens/${cred.tokenId}/revoke`, {
          reason: 'site decommissioned',
        })
      ).status,
    ).toBe(200);
    const r = await agent('GET', `${BASE}/sites/site-a`);
    expect([r.status, r.body.code]).toEqual([401, 'TokenRevoked']);
  });
});
