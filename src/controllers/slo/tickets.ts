// Tickets of SLO faults: opened with diagnosis context, appended to by remediation, resolved on recovery.
import { API_VERSION, DeploymentKind, EventKind, type Workload } from '../../model/index.js';
import { TicketKind, type Slo, type Ticket } from '../../management/index.js';
import type { Store } from '../../store/index.js';
import type { EventRecorder } from '../events/recorder.js';

export const LABEL_SLO = 'continuum.io/slo';
const MAX_LINES = 20;

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export function ticketBook(store: Store, events: EventRecorder) {
  async function current(s: Slo): Promise<Ticket | undefined> {
    const { items } = await store.list(TicketKind, {
      namespace: s.metadata.namespace,
      labelSelector: `${LABEL_SLO}=${s.metadata.name}`,
    });
    return items.find((t) => t.status?.phase === 'Open');
  }

  /** What was going on: recent Events of the Deployment and its replicas, and recent changes to them. */
  async function diagnose(s: Slo, unready: Workload[]): Promise<NonNullable<Ticket['status']>['diagnosis']> {
    const ns = s.metadata.namespace;
    const dep = await store.get(DeploymentKind, ns, s.spec.deployment);
    const names = new Set([s.spec.deployment, s.metadata.name, ...unready.map((w) => w.metadata.name)]);
    const { items } = await store.list(EventKind, { namespace: ns });
    const recentEvents = items
      .filter((e) => names.has(e.spec.involvedObject.name))
      .sort((a, b) => (b.spec.lastTimestamp ?? '').localeCompare(a.spec.lastTimestamp ?? ''))
      .slice(0, MAX_LINES)
      .map(
        (e) =>
          `${e.spec.lastTimestamp ?? ''} ${e.spec.involvedObject.kind}/${e.spec.involvedObject.name} ` +
          `${e.spec.reason}: ${e.spec.message}`.slice(0, 400),
      );
    const recentChanges = [
      ...(dep ? [`Deployment ${dep.metadata.name} generation ${dep.metadata.generation ?? 1}`] : []),
      ...unready.map((w) => `Workload ${w.metadata.name} created ${w.metadata.creationTimestamp ?? '?'}`),
    ].slice(0, MAX_LINES);
    return {
      affectedTenants: [ns ?? 'default'],
      unready: unready
        .slice(0, 64)
        .map((w) =>
          `${w.metadata.name} on ${w.spec.siteName ?? '-'}: ${w.status?.phase ?? '?'} ${w.status?.message ?? ''}`
            .trim()
            .slice(0, 400),
        ),
      recentEvents,
      recentChanges,
    };
  }

  return {
    /** The open ticket of this SLO, opened now (detected) when there is none. */
    async open(
      s: Slo,
      unready: Workload[],
      total: number,
      faultStart: number,
      now: Date,
    ): Promise<{ ticket: Ticket; opened: boolean }> {
      const cur = await current(s);
      if (cur) return { ticket: cur, opened: false };
      const name = `${s.metadata.name.slice(0, 40)}-${now.getTime().toString(36)}`;
      const created = await store.create(TicketKind, {
        apiVersion: API_VERSION,
        kind: 'Ticket',
        metadata: { name, namespace: s.metadata.namespace, labels: { [LABEL_SLO]: s.metadata.name } },
        spec: {
          subject: { kind: 'SLO', name: s.metadata.name },
          summary: `SLO ${s.metadata.name} of Deployment ${s.spec.deployment} out of error budget`,
        },
      });
      const t = await store.updateStatus(TicketKind, {
        ...created,
        status: {
          phase: 'Open',
          faultStartedAt: new Date(faultStart).toISOString(),
          detectedAt: now.toISOString(),
          timeToDetectSeconds: seconds(now.getTime() - faultStart),
          replicasExpected: total,
          diagnosis: await diagnose(s, unready),
          actions: [],
        },
      });
      await events.warning(s, 'TicketOpened', `ticket ${name} opened: ${unready.length} replica(s) unready`);
      return { ticket: t, opened: true };
    },
    async act(t: Ticket, steps: string[]): Promise<void> {
      const cur = await store.get(TicketKind, t.metadata.namespace, t.metadata.name);
      if (!cur) return;
      const actions = [...(cur.status?.actions ?? []), ...steps].slice(-64);
      await store.updateStatus(TicketKind, { ...cur, status: { ...cur.status, actions } });
    },
    /** Resolves the open ticket, if any, once `ready` replicas (none unready) are as many as at detection. */
    async resolve(s: Slo, ready: number, now: Date): Promise<Ticket | undefined> {
      const cur = await current(s);
      if (!cur || ready < (cur.status?.replicasExpected ?? 0)) return undefined;
      const from = Date.parse(cur.status?.faultStartedAt ?? now.toISOString());
      const done = await store.updateStatus(TicketKind, {
        ...cur,
        status: {
          ...cur.status,
          phase: 'Resolved',
          resolvedAt: now.toISOString(),
          timeToRecoverSeconds: seconds(now.getTime() - from),
        },
      });
      await events.normal(s, 'TicketResolved', `ticket ${cur.metadata.name} resolved: every replica Ready`);
      return done;
    },
  };
}
