// /metrics end to end: a control plane with a real agent and a placed Deployment, scraped and parsed as Prometheus does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, chattyServer, testSiteSpec, waitFor } from '../agent/testing/env.js';
import { ContinuumClient } from '../client/index.js';
import { application, deployment } from '../model/testing/index.js';
import { WorkloadKind } from '../model/index.js';
import { parsePromText, promValue } from '../lib/testing/prom-text.js';

const env = new AgentEnv();
let client: ContinuumClient;

beforeAll(async () => {
  await env.startControlPlane({ metricsAddress: '127.0.0.1:0' });
  client = new ContinuumClient({ server: env.url, token: env.token });
  const site = env.siteName('metrics-a');
  await env.agent(site, { siteSpec: testSiteSpec() });
  await client.create(
    application('default', 'metered', {
      components: [{ name: 'web', artifact: chattyServer(), ports: [{ name: 'http', expose: true }] }],
    }),
  );
  await client.create(deployment('default', 'metered'));
  await waitFor(
    async () =>
      (await env.cp!.store.list(WorkloadKind, { namespace: 'default' })).items.some(
        (w) => w.status?.phase === 'Running',
      ),
    'a Running workload of the Deployment',
    60_000,
  );
}, 120_000);
afterAll(() => env.cleanup(), 60_000);

const scrape = async (url: string, token?: string): Promise<{ status: number; type: string; text: string }> => {
  const r = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
};

describe('GET /metrics', () => {
  it('refuses callers without metrics:read', async () => {
    expect((await scrape(`${env.url}/metrics`)).status).toBe(401);
    const issued = await fetch(`${env.url}/auth/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'end-user', tenant: 'default' }),
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    expect((await scrape(`${env.url}/metrics`, token)).status).toBe(403);
  });

  it('carries the API, controller, placement, store, audit, stream, site and workload series', async () => {
    const r = await scrape(`${env.url}/metrics`, env.token);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const f = parsePromText(r.text);
    const v = (family: string, suffix: string, labels: Record<string, string> = {}): number =>
      promValue(f, family, family + suffix, labels) ?? NaN;
    const api = 'continuum_api_request_duration_seconds';
    expect(f.get(api)?.type).toBe('histogram');
    expect(v(api, '_count', { route: '/apis/*', resource: 'deployments', verb: 'create', code: '201' })).toBe(1);
    expect(v(api, '_count', { route: '/metrics', code: '401' })).toBeGreaterThanOrEqual(1);
    // Route templates, never raw paths: no label value carries an object name.
    expect(f.get(api)?.samples.some((s) => Object.values(s.labels).some((x) => x.includes('metered')))).toBe(false);
    expect(v('continuum_streams_open', '')).toBeGreaterThanOrEqual(1); // the agent's tunnel
    expect(v('continuum_workqueue_depth', '', { controller: 'deployment' })).toBeGreaterThanOrEqual(0);
    expect(v('continuum_workqueue_queue_duration_seconds', '_count', { controller: 'deployment' })).toBeGreaterThan(0);
    expect(v('continuum_reconcile_duration_seconds', '_count', { controller: 'deployment' })).toBeGreaterThan(0);
    expect(v('continuum_reconcile_errors_total', '', { controller: 'deployment', kind: 'terminal' })).toBe(0);
    expect(v('continuum_placement_decisions_total', '', { outcome: 'placed' })).toBeGreaterThanOrEqual(1);
    expect(v('continuum_placement_decision_duration_seconds', '_count')).toBeGreaterThanOrEqual(1);
    expect(v('continuum_store_write_duration_seconds', '_count', { op: 'create' })).toBeGreaterThanOrEqual(1);
    expect(v('continuum_audit_write_duration_seconds', '_count')).toBeGreaterThanOrEqual(1);
    expect(v('continuum_sites', '', { ready: 'True' })).toBeGreaterThanOrEqual(1);
    expect(v('continuum_sites', '', { ready: 'False' })).toBe(0);
    expect(v('continuum_workloads', '', { phase: 'Running' })).toBeGreaterThanOrEqual(1);
  });

  it('is also served without authentication on --metrics-address, and nothing else is', async () => {
    const url = env.cp!.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const r = await scrape(url);
    expect(r.status).toBe(200);
    expect(parsePromText(r.text).has('continuum_api_request_duration_seconds')).toBe(true);
    expect((await scrape(url.replace('/metrics', '/apis'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);
  });
});
