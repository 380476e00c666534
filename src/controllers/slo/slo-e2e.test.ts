// End to end on a real control plane and agent: one of two replicas' health check fails, the SLO spends its budget,
// the replica is restarted, a ticket opens and resolves; visible in Events, the audit log and `continuum describe`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing/run.js';
import { AgentEnv, testSiteSpec, waitFor } from '../../agent/testing/env.js';
import { API_VERSION, ApplicationKind, DeploymentKind, getCondition, WorkloadKind } from '../../model/index.js';
import { application, component, deployment } from '../../model/testing/index.js';
import { SloKind, TicketKind } from '../../management/index.js';

const env = new AgentEnv();

beforeAll(async () => {
  await env.startControlPlane({ slo: { sampleMs: 200 } });
  await env.agent(env.siteName('slo'), { siteSpec: testSiteSpec() });
});
afterAll(async () => {
  await env.cleanup();
});

// An HTTP server whose /healthz fails once /fail was requested (a process gone bad; a restart repairs it).
const app = [
  'let bad=false;',
  'require("http").createServer((q,s)=>{if(q.url==="/fail")bad=true;',
  's.statusCode=bad&&q.url==="/healthz"?500:200;s.end();',
  '}).listen(+process.env.PORT_HTTP,"127.0.0.1");',
  'process.on("SIGTERM",()=>process.exit(0));',
].join('');

describe('SLO end to end', () => {
  it('a failing replica is restarted and its ticket resolves on recovery', async () => {
    const store = env.cp!.store;
    await store.create(
      ApplicationKind,
      application('default', 'shop', {
        components: [
          component('api', {
            artifact: { command: process.execPath, args: ['-e', app] },
            ports: [{ name: 'http' }],
            replicas: 2,
            healthCheck: { http: { path: '/healthz', port: 'http' }, periodSeconds: 0.2, failureThreshold: 100 },
          }),
        ],
      }),
    );
    await store.create(DeploymentKind, deployment('default', 'shop'));
    const replicas = async () =>
      (await store.list(WorkloadKind, { namespace: 'default' })).items.filter((w) => w.spec.deployment === 'shop');
    const isReady = (w: Awaited<ReturnType<typeof replicas>>[number]) =>
      getCondition(w.status?.conditions, 'Ready')?.status === 'True';
    const two = await waitFor(
      async () => {
        const ws = await replicas();
        return ws.length === 2 && ws.every(isReady) && ws;
      },
      'two Ready replicas',
      90_000,
    );
    await store.create(SloKind, {
      apiVersion: API_VERSION,
      kind: 'SLO',
      metadata: { name: 'shop-avail', namespace: 'default' },
      spec: { deployment: 'shop', availability: 99, windowSeconds: 120, remediation: 'restart', cooldownSeconds: 1 },
    });
    const met = async () =>
      getCondition((await store.get(SloKind, 'default', 'shop-avail'))?.status?.conditions, 'Met')?.reason;
    await waitFor(async () => (await met()) === 'WithinBudget', 'SLO met', 30_000);

    // Inject: the second replica's health check starts failing.
    const victim = two[1].metadata;
    expect(two[1].status?.url).toBeDefined();
    expect((await fetch(`${two[1].status?.url}/fail`)).status).toBe(200);
    await waitFor(async () => (await met()) === 'BudgetExhausted', 'budget exhausted', 60_000);
    const ticket = await waitFor(
      async () => {
        const t = (await store.list(TicketKind, { namespace: 'default' })).items[0];
        return t?.status?.actions?.length ? t : undefined;
      },
      'restart recorded on the ticket',
      60_000,
    );
    expect(ticket.status?.actions?.[0]).toContain(`deleted unready replica ${victim.name}`);
    // The restart repaired it: the replacement is a fresh process and comes up Ready.
    const resolved = await waitFor(
      async () => {
        const t = await store.get(TicketKind, 'default', ticket.metadata.name);
        return t?.status?.phase === 'Resolved' && t;
      },
      'ticket resolved',
      90_000,
    );
    expect(resolved.status?.timeToRecoverSeconds).toBeGreaterThan(0);
    expect((await replicas()).some((w) => w.metadata.uid === victim.uid)).toBe(false);

    const d = await runCli('describe', 'slo', 'shop-avail', '--server', env.url, '--token', env.token);
    expect(d.code).toBe(0);
    expect(d.out).toContain('RemediationRestart');
    expect(d.out).toContain('TicketResolved');
    const audit = await fetch(`${env.url}/audit/v1/export`, { headers: { authorization: `Bearer ${env.token}` } });
    const text = await audit.text();
    expect(text).toContain('slo:remediate');
    expect(text).toContain('system:slo-controller');
  }, 300_000);
});
