// The SLO controller: samples the Ready replicas of each SLO's Deployment, keeps the error budget over the rolling
// window in status, restarts unready replicas once the budget is spent, and keeps a Ticket per fault.
import {
  API_VERSION,
  DeploymentKind,
  getCondition,
  setCondition,
  WorkloadKind,
  type Condition,
  type Workload,
} from '../../model/index.js';
import {
  AlertRuleKind,
  evaluate,
  SloKind,
  trim,
  type Sample,
  type Slo,
  type SloStatus,
} from '../../management/index.js';
import { jsonEqual } from '../../store/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import { objectKey } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { eventRecorder } from '../events/recorder.js';
import { alertSender, type AlertOptions } from './alerts.js';
import { ticketBook } from './tickets.js';

/** One audit record of a controller action (wired to the control plane's audit log). */
export interface SloAuditEntry {
  verb: string;
  resource: { kind: string; namespace?: string; name?: string };
  reason: string;
}

export interface SloControllerOptions {
  /** How often each SLO samples its Deployment's replicas (default 5 s). */
  sampleMs?: number;
  audit?: (e: SloAuditEntry) => Promise<unknown> | void;
  alerts?: AlertOptions;
}

const isReady = (w: Workload): boolean => getCondition(w.status?.conditions, 'Ready')?.status === 'True';

export function sloController(opts: SloControllerOptions = {}) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const slos = m.informer(SloKind);
    const workloads = m.informer(WorkloadKind);
    const events = eventRecorder(store, 'slo-controller', m.clock);
    const tickets = ticketBook(store, events);
    const rules = m.informer(AlertRuleKind);
    const alert = alertSender(store, () => rules.list(), opts.alerts);
    const sampleMs = opts.sampleMs ?? 5000;
    /** Samples per SLO uid (in memory: a restarted controller starts a new window, see ADR 0027). */
    const samples = new Map<string, Sample[]>();

    const replicas = (s: Slo): Workload[] =>
      workloads
        .list()
        .filter(
          (w) =>
            w.metadata.namespace === s.metadata.namespace &&
            w.spec.deployment === s.spec.deployment &&
            !w.metadata.deletionTimestamp,
        );

    async function remediate(s: Slo, unready: Workload[], now: Date): Promise<string[]> {
      const done: string[] = [];
      for (const w of unready) {
        try {
          await store.delete(WorkloadKind, w.metadata.namespace, w.metadata.name);
        } catch {
          continue; // gone meanwhile
        }
        const step = `restart: deleted unready replica ${w.metadata.name} (site ${w.spec.siteName ?? '-'})`;
        done.push(`${now.toISOString()} ${step}`);
        await events.warning(s, 'RemediationRestart', step);
        await opts.audit?.({
          verb: 'slo:remediate',
          resource: { kind: 'Workload', namespace: w.metadata.namespace, name: w.metadata.name },
          reason: `SLO ${s.metadata.name} out of budget: ${step}`,
        });
      }
      return done;
    }

    return {
      name: 'slo',
      workers: 1,
      watches: [
        { informer: slos, map: (s: Slo) => [objectKey(s)] },
        {
          informer: workloads,
          map: (w: Workload) =>
            slos
              .list()
              .filter((s) => s.metadata.namespace === w.metadata.namespace && s.spec.deployment === w.spec.deployment)
              .map(objectKey),
        },
      ],
      async reconcile(ctx, key) {
        const [ns, name] = key.split('/');
        const s = await store.get(SloKind, ns, name);
        if (!s || s.metadata.deletionTimestamp) {
          for (const uid of samples.keys()) if (!slos.list().some((x) => x.metadata.uid === uid)) samples.delete(uid);
          return;
        }
        const now = ctx.now();
        const t = now.getTime();
        const windowMs = s.spec.windowSeconds * 1000;
        const reps = replicas(s);
        const unready = reps.filter((w) => !isReady(w));
        const uid = s.metadata.uid ?? key;
        const list = trim(
          [...(samples.get(uid) ?? []), { at: t, ready: reps.length - unready.length, total: reps.length }],
          t,
          windowMs,
        );
        samples.set(uid, list);
        const ev = evaluate(list, t, windowMs, s.spec.availability);
        const dep = await store.get(DeploymentKind, ns, s.spec.deployment);

        let cond: Condition;
        if (!dep)
          cond = {
            type: 'Met',
            status: 'Unknown',
            reason: 'DeploymentNotFound',
            message: `no Deployment ${s.spec.deployment}`,
          };
        else if (ev.availability === undefined)
          cond = { type: 'Met', status: 'Unknown', reason: 'NoData', message: 'no replicas observed yet' };
        else if (ev.budgetRemaining > 0)
          cond = {
            type: 'Met',
            status: 'True',
            reason: 'WithinBudget',
            message: `${ev.budgetRemaining}% of the error budget left`,
          };
        else
          cond = {
            type: 'Met',
            status: 'False',
            reason: 'BudgetExhausted',
            message: `availability below the objective ${s.spec.availability}% over ${s.spec.windowSeconds}s`,
          };

        const next: SloStatus = { ...s.status, budgetRemaining: ev.budgetRemaining };
        if (ev.availability !== undefined) next.availability = ev.availability;
        next.conditions = setCondition(s.status?.conditions, cond, now.toISOString());

        // A fault: out of budget with replicas unready now. Recovery: every replica Ready again.
        const faultStart = list.find((x) => x.ready < x.total)?.at ?? t;
        if (cond.reason === 'BudgetExhausted' && unready.length > 0) {
          const { ticket, opened } = await tickets.open(s, unready, reps.length, faultStart, now);
          const ref = { ticket: ticket.metadata.name, deployment: s.spec.deployment, namespace: ns };
          if (opened) await alert(s, 'TicketOpened', { ...ref, diagnosis: ticket.status?.diagnosis }, now);
          const cooldown = (s.spec.cooldownSeconds ?? 60) * 1000;
          const last = s.status?.lastRemediation ? Date.parse(s.status.lastRemediation) : 0;
          if ((s.spec.remediation ?? 'none') === 'restart' && t - last >= cooldown) {
            // A replacement still starting is not restarted again: only replicas older than the cooldown.
            const old = unready.filter((w) => t - Date.parse(w.metadata.creationTimestamp ?? '') >= cooldown);
            const steps = await remediate(s, old, now);
            if (steps.length > 0) {
              next.lastRemediation = now.toISOString();
              next.remediations = (s.status?.remediations ?? 0) + 1;
              await tickets.act(ticket, steps);
              await alert(s, 'RemediationRestart', { ...ref, steps }, now);
            }
          }
        } else if (reps.length > 0 && unready.length === 0) {
          const done = await tickets.resolve(s, reps.length, now);
          if (done) {
            const { timeToDetectSeconds, timeToRecoverSeconds } = done.status ?? {};
            const data = { ticket: done.metadata.name, deployment: s.spec.deployment, namespace: ns };
            await alert(s, 'TicketResolved', { ...data, timeToDetectSeconds, timeToRecoverSeconds }, now);
          }
        }

        // Written only when the budget (whole percent), the condition or a remediation changed.
        const same = (a: SloStatus | undefined): unknown => {
          const { availability: _, ...rest } = a ?? {};
          return rest;
        };
        if (!jsonEqual(same(next), same(s.status)))
          await store.updateStatus(SloKind, { ...s, status: next, apiVersion: API_VERSION });
        return { requeueAfterMs: sampleMs };
      },
    };
  };
}
