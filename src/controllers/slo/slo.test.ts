// SLO controller against a real store: budget from Ready replicas, restart remediation, ticket open → resolve,
// status written only on change, and an SLO cannot reach into another tenant's Deployment.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/index.js';
import {
  API_VERSION,
  DeploymentKind,
  EventKind,
  getCondition,
  WorkloadKind,
  type Workload,
} from '../../model/index.js';
import { deployment, workload } from '../../model/testing/index.js';
import { AlertRuleKind, SloKind, TicketKind } from '../../management/index.js';
import { refusedWebhook } from './alerts.js';
import { Manager } from '../../runtime/manager.js';
import { SqliteBackend, Store } from '../../store/index.js';
import { sloController, type SloAuditEntry } from './slo.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const ready = (status: 'True' | 'False') => ({
  phase: status === 'True' ? ('Running' as const) : ('Failed' as const),
  conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'Running' : 'HealthCheckFailed' }],
});

async function world() {
  const store = new Store(new SqliteBackend({ path: ':memory:' }), { watchPollMs: 20 });
  cleanup.push(() => store.close());
  const audit: SloAuditEntry[] = [];
  const m = new Manager({ store });
  m.add(sloController({ sampleMs: 100, audit: (e) => void audit.push(e), alerts: { allowLoopbackWebhooks: true } }));
  /** A replica of `dep` in `ns` as an agent reports it (Ready or not). */
  const replica = async (ns: string, name: string, isReady: boolean, dep = 'web'): Promise<Workload> => {
    const w = await store.create(WorkloadKind, workload(ns, name, { siteName: 'edge-1', spec: { deployment: dep } }));
    return store.updateStatus(WorkloadKind, { ...w, status: ready(isReady ? 'True' : 'False') });
  };
  const setReady = async (ns: string, name: string, isReady: boolean): Promise<void> => {
    const w = await store.get(WorkloadKind, ns, name);
    if (w) await store.updateStatus(WorkloadKind, { ...w, status: ready(isReady ? 'True' : 'False') });
  };
  const slo = (ns: string, name: string, spec: Record<string, unknown>) =>
    store.create(SloKind, {
      apiVersion: API_VERSION,
      kind: 'SLO',
      metadata: { name, namespace: ns },
      spec: { deployment: 'web', availability: 99, windowSeconds: 60, ...spec },
    });
  const rule = (ns: string, name: string, webhook: string) =>
    store.create(AlertRuleKind, {
      apiVersion: API_VERSION,
      kind: 'AlertRule',
      metadata: { name, namespace: ns },
      spec: { webhook },
    });
  const start = async (): Promise<void> => {
    await m.start();
    cleanup.push(() => m.stop());
  };
  return { store, audit, replica, setReady, slo, rule, start };
}

describe('SLO controller', () => {
  it('an unready replica spends the budget, is restarted, and the ticket resolves on recovery', async () => {
    const w = await world();
    await w.store.create(DeploymentKind, deployment('shop', 'web'));
    await w.replica('shop', 'web-0', true);
    await w.replica('shop', 'web-1', true);
    await w.slo('shop', 'web-avail', { remediation: 'restart', cooldownSeconds: 1 });
    // A webhook receiver on loopback collecting the CloudEvents, and a rule aimed at the cloud metadata address.
    const received: Array<{ type: string; data: Record<string, unknown>; specversion: string }> = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as (typeof received)[number]);
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => hook.close(() => r())));
    await w.rule('shop', 'oncall', `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`);
    // Another tenant's rule with the same receiver must get none of shop's alerts.
    await w.rule('other', 'spy', `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`);
    await w.rule('shop', 'ssrf', 'http://169.254.169.254/latest/meta-data/');
    await w.start();
    const cond = async () => getCondition((await w.store.get(SloKind, 'shop', 'web-avail'))?.status?.conditions, 'Met');
    await waitFor(async () => (await cond())?.reason === 'WithinBudget', 'SLO met while every replica is Ready');

    // Steady state: samples keep coming, the status does not change.
    const rv = (await w.store.get(SloKind, 'shop', 'web-avail'))?.metadata.resourceVersion;
    // A negative check needs time: six sample periods (100 ms) in which nothing may be written.
    await new Promise((r) => setTimeout(r, 600));
    expect((await w.store.get(SloKind, 'shop', 'web-avail'))?.metadata.resourceVersion).toBe(rv);

    // Inject: web-1 turns unready (its health check fails).
    await w.setReady('shop', 'web-1', false);
    await waitFor(async () => (await cond())?.reason === 'BudgetExhausted', 'budget exhausted');
    const gone = await waitFor(async () => !(await w.store.get(WorkloadKind, 'shop', 'web-1')), 'web-1 restarted');
    expect(gone).toBe(true);
    expect(await w.store.get(WorkloadKind, 'shop', 'web-0')).toBeDefined(); // the Ready one is left alone
    const open = await waitFor(async () => {
      const t = (await w.store.list(TicketKind, { namespace: 'shop' })).items[0];
      return t?.status?.actions?.length ? t : undefined;
    }, 'ticket with the remediation step');
    expect(open.status?.phase).toBe('Open');
    expect(open.status?.diagnosis?.affectedTenants).toEqual(['shop']);
    expect(open.status?.diagnosis?.unready.join()).toContain('web-1');
    expect(open.status?.actions?.[0]).toContain('deleted unready replica web-1');
    expect(open.status?.timeToDetectSeconds).toBeGreaterThanOrEqual(0);
    expect(w.audit).toContainEqual(
      expect.objectContaining({ verb: 'slo:remediate', resource: expect.objectContaining({ name: 'web-1' }) }),
    );
    const events = (await w.store.list(EventKind, { namespace: 'shop' })).items.map((e) => e.spec.reason);
    expect(events).toEqual(expect.arrayContaining(['RemediationRestart', 'TicketOpened']));

    // Recovery: the replacement (as the deployment controller and agent would make it) is Ready.
    await w.replica('shop', 'web-1b', true);
    const resolved = await waitFor(async () => {
      const t = await w.store.get(TicketKind, 'shop', open.metadata.name);
      return t?.status?.phase === 'Resolved' ? t : undefined;
    }, 'ticket resolved');
    expect(resolved.status?.timeToRecoverSeconds).toBeGreaterThan(0);
    expect(resolved.status?.resolvedAt).toBeDefined();
    await waitFor(
      async () =>
        (await w.store.list(EventKind, { namespace: 'shop' })).items.some((e) => e.spec.reason === 'TicketResolved'),
      'TicketResolved event',
    );
    await waitFor(() => received.some((e) => e.type === 'eu.continuum.slo.TicketResolved'), 'resolved alert');
    expect(received.map((e) => e.type)).toEqual([
      'eu.continuum.slo.TicketOpened',
      'eu.continuum.slo.RemediationRestart',
      'eu.continuum.slo.TicketResolved',
    ]);
    expect(received[0].specversion).toBe('1.0');
    expect(received[2].data.timeToRecoverSeconds).toBe(resolved.status?.timeToRecoverSeconds);
    const oncall = await w.store.get(AlertRuleKind, 'shop', 'oncall');
    expect(oncall?.status?.delivered).toBe(3);
    const ssrf = await w.store.get(AlertRuleKind, 'shop', 'ssrf');
    expect(getCondition(ssrf?.status?.conditions, 'Delivering')).toMatchObject({
      status: 'False',
      reason: 'DeliveryFailed',
      message: 'webhook refused: link-local address',
    });
    const s = await w.store.get(SloKind, 'shop', 'web-avail');
    expect(s?.status?.remediations).toBe(1);
    expect(s?.status?.budgetRemaining).toBe(0); // the budget stays spent until the window rolls past the outage
  });

  it("an SLO cannot restart another tenant's replicas", async () => {
    const w = await world();
    await w.store.create(DeploymentKind, deployment('victim', 'web'));
    await w.replica('victim', 'web-0', false);
    await w.slo('attacker', 'grab', { remediation: 'restart', cooldownSeconds: 1 });
    await w.start();
    await waitFor(
      async () =>
        getCondition((await w.store.get(SloKind, 'attacker', 'grab'))?.status?.conditions, 'Met')?.reason ===
        'DeploymentNotFound',
      'no such Deployment in the own tenant',
    );
    expect(await w.store.get(WorkloadKind, 'victim', 'web-0')).toBeDefined();
    expect((await w.store.list(TicketKind, {})).items).toEqual([]);
    expect(w.audit).toEqual([]);
  });

  it('webhooks: link-local and metadata always refused, loopback only when allowed', () => {
    expect(refusedWebhook('http://169.254.169.254/x', true)).toBe('link-local address');
    expect(refusedWebhook('http://[fe80::1]/x', true)).toBe('link-local address');
    expect(refusedWebhook('http://metadata.google.internal/x', true)).toBe('metadata address');
    expect(refusedWebhook('http://127.0.0.1:9/x', false)).toBe('loopback address');
    expect(refusedWebhook('http://[::1]:9/x', false)).toBe('loopback address');
    expect(refusedWebhook('http://127.0.0.1:9/x', true)).toBeUndefined();
    expect(refusedWebhook('https://alerts.example.com/hook', false)).toBeUndefined();
  });
});
