// The agent's /metrics: a real workload's CPU, memory and restarts from /proc, parsed as Prometheus does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePromText, promValue } from '../lib/testing/prom-text.js';
import { startAgentMetrics } from './metrics.js';
import type { SiteAgent } from './agent.js';
import { AgentEnv, testSiteSpec, waitFor } from './testing/env.js';

const env = new AgentEnv();
let agent: SiteAgent;
let site: string;
let metrics: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  await env.startControlPlane();
  site = env.siteName('agent-metrics');
  agent = await env.agent(site, { siteSpec: testSiteSpec() });
  metrics = await startAgentMetrics('127.0.0.1:0', site, () => agent.driver.list());
  await env.workload('busy', site);
}, 120_000);
afterAll(async () => {
  await metrics?.close();
  await env.cleanup();
}, 60_000);

describe('agent /metrics', () => {
  it('reports per-workload CPU, memory, restarts and readiness', async () => {
    const id = await waitFor(() => agent.driver.list().find((s) => s.ready && s.pid)?.id, 'the workload to run');
    const f = await waitFor(async () => {
      const fams = parsePromText(await (await fetch(metrics.url)).text());
      const cpu = promValue(
        fams,
        'continuum_agent_workload_cpu_seconds_total',
        'continuum_agent_workload_cpu_seconds_total',
        { site, workload: id },
      );
      return cpu !== undefined && cpu > 0 && fams;
    }, 'CPU time of the workload');
    const v = (n: string) => promValue(f, n, n, { site, workload: id });
    expect(v('continuum_agent_workload_memory_bytes')).toBeGreaterThan(1024 * 1024); // a node process: MiBs
    expect(v('continuum_agent_workload_restarts')).toBe(0);
    expect(v('continuum_agent_workload_ready')).toBe(1);
    expect((await fetch(metrics.url.replace('/metrics', '/'))).status).toBe(404);
  });
});
