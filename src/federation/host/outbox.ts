// The partner's callback outbox: a level-triggered controller delivering status changes to the originator, retried.
import {
  ApiError,
  ApplicationKind,
  DeploymentKind,
  NamespaceKind,
  SiteKind,
  type Deployment,
} from '../../model/index.js';
import type { ControllerSpec, Manager } from '../../runtime/index.js';
import { SecretKind } from '../../security/index.js';
import type {
  AppInstNotification,
  AppStatusNotification,
  InstallAppRequest,
  PartnerStatusNotification,
  ResourceReservationNotification,
} from '../ewbi/index.js';
import type { PartnerContext } from './context.js';
import { accessPoints, instanceState } from './native.js';
import { canonical, deleteDoc, getDoc, L, putDoc, readRecord, saveRecord, type FederationRecord } from './records.js';
import { appDocName, saveAppDoc, type AppDoc } from './app-records.js';
import type { PoolDoc } from './routes-lcm.js';
import { zoneStatus } from './zones.js';

const nsKey = (ns: string | undefined): string => `fed:${ns ?? ''}`;

/** The outbox controller: app onboarding transitions and every callback the partner owes its originators. */
export function partnerOutbox(ctx: PartnerContext): (m: Manager) => ControllerSpec {
  return (m) => {
    const { store } = ctx;
    const namespaces = m.informer(NamespaceKind);
    const sites = m.informer(SiteKind);
    const federations = (): string[] =>
      namespaces
        .list()
        .filter((n) => n.metadata.labels?.[L.context])
        .map((n) => n.metadata.name);
    const recordOf = async (ns: string): Promise<FederationRecord | undefined> => {
      const n = await store.get(NamespaceKind, undefined, ns);
      return n && !n.metadata.deletionTimestamp ? readRecord(n) : undefined;
    };

    async function reconcileApp(
      ns: string,
      name: string,
      record: FederationRecord,
    ): Promise<{ requeueAfterMs?: number } | void> {
      const doc = await getDoc<AppDoc | PoolDoc>(store, ns, name);
      if (!doc) return;
      if ('granted' in doc) return reconcilePool(ns, name, doc, record);
      const next: AppDoc = structuredClone(doc);
      let waiting = false;
      const instances = (
        await store.list(DeploymentKind, { namespace: ns, labelSelector: `${L.appId}=${doc.request.appId}` })
      ).items;
      for (const [zone, st] of Object.entries(doc.zones)) {
        if (st === 'PENDING') {
          const app = await store.get(ApplicationKind, ns, doc.request.appId);
          const site = sites.list().find((s) => s.metadata.name === zone);
          next.zones[zone] =
            app && site && ctx.offer(site) && record.acceptedZones.includes(zone) ? 'ONBOARDED' : 'FAILED';
        } else if (st === 'DEBOARDING') {
          if (instances.some((d) => d.metadata.labels?.[L.zone] === zone)) waiting = true;
          else next.zones[zone] = 'REMOVED';
        }
      }
      const changed = Object.keys(next.zones).filter((z) => next.notified[z] !== next.zones[z]);
      if (changed.length) {
        if (canonical(next.zones) !== canonical(doc.zones)) await saveAppDoc(store, record, next); // progress is durable before the call
        const body: AppStatusNotification = {
          federationContextId: record.federationContextId,
          appId: doc.request.appId,
          statusInfo: changed.map((zoneId) => ({ zoneId, onboardStatusInfo: next.zones[zoneId] })),
        };
        await ctx.callbacks.post(record, doc.request.appStatusCallbackLink, body);
        for (const z of changed) next.notified[z] = next.zones[z];
        await saveAppDoc(store, record, next);
      }
      if (next.deleting && !waiting && Object.values(next.zones).every((s) => s === 'REMOVED'))
        await deleteDoc(store, ns, name);
      return waiting ? { requeueAfterMs: 500 } : undefined;
    }

    async function reconcilePool(ns: string, name: string, doc: PoolDoc, record: FederationRecord): Promise<void> {
      const want = canonical(doc.granted);
      if (doc.notified === want || !Object.keys(doc.granted).length) return;
      const body: ResourceReservationNotification = {
        federationContextId: record.federationContextId,
        zoneId: doc.zoneId,
        appProviderId: doc.appProviderId,
        poolId: doc.request.resRequest.poolId,
        grantedFlavours: Object.entries(doc.granted).map(([flavourId, numFlavour]) => ({ flavourId, numFlavour })),
      };
      await ctx.callbacks.post(record, doc.request.resourceReservationCallbackLink, body);
      await putDoc(
        store,
        ns,
        name,
        'ewbi.continuum.eu/pool',
        { ...doc, notified: want },
        { [L.kind]: 'pool', [L.zone]: doc.zoneId, [L.appProvider]: doc.appProviderId },
      );
    }

    async function reconcileInstance(ns: string, name: string, record: FederationRecord): Promise<void> {
      const d = await store.get(DeploymentKind, ns, name);
      if (!d) return;
      const req = JSON.parse(d.metadata.annotations?.[L.instance] ?? 'null') as InstallAppRequest | null;
      if (!req) return;
      const state = instanceState(d);
      const ap = accessPoints(d);
      const now = canonical({ state, ap });
      if (d.metadata.annotations?.[L.notified] === now) return;
      const body: AppInstNotification = {
        federationContextId: record.federationContextId,
        appId: req.appId,
        appInstanceId: req.appInstanceId,
        zoneId: req.zoneInfo.zoneId,
        // Both spellings of the spec's two callback definitions (ADR 0018).
        appInstanceInfo: { appInstanceState: state, ...(ap ? { accessPointInfo: ap, accesspointInfo: ap } : {}) },
        modificationDate: new Date().toISOString(),
      };
      await ctx.callbacks.post(record, req.appInstCallbackLink, body);
      await store
        .patch(DeploymentKind, ns, name, { metadata: { annotations: { [L.notified]: now } } })
        .catch((e: unknown) => {
          if (!(e instanceof ApiError && e.code === 'NotFound')) throw e;
        });
    }

    async function reconcileZones(record: FederationRecord): Promise<void> {
      const prev = record.zoneStatus ?? {};
      const now: Record<string, string> = {};
      for (const z of record.acceptedZones) now[z] = zoneStatus(sites.list().find((s) => s.metadata.name === z));
      const changed = Object.keys(now).filter((z) => prev[z] !== now[z]);
      if (!changed.length) return;
      const body: PartnerStatusNotification = {
        federationContextId: record.federationContextId,
        objectType: 'ZONES',
        operationType: 'STATUS',
        zoneStatus: changed.map((zoneId) => ({ zoneId, status: now[zoneId] as 'AVAILABLE' })),
        modificationDate: new Date().toISOString(),
      };
      await ctx.callbacks.post(record, record.partnerStatusLink, body);
      const fresh = await recordOf(`fed-${record.federationContextId}`);
      if (fresh)
        await saveRecord(store, {
          ...fresh,
          zoneStatus: { ...(fresh.zoneStatus ?? {}), ...Object.fromEntries(changed.map((z) => [z, now[z]])) },
        });
    }

    return {
      name: 'ewbi-partner-outbox',
      workers: 2,
      backoff: { baseMs: 200, maxMs: 15_000, jitter: 0.1 },
      watches: [
        { informer: namespaces, map: (n) => (n.metadata.labels?.[L.context] ? [nsKey(n.metadata.name)] : []) },
        { informer: sites, map: () => federations().map(nsKey) },
        {
          informer: m.informer(SecretKind),
          map: (s) =>
            ['app', 'pool'].includes(s.metadata.labels?.[L.kind] ?? '')
              ? [`doc:${s.metadata.namespace}/${s.metadata.name}`]
              : [],
        },
        {
          informer: m.informer(DeploymentKind),
          map: (d: Deployment) => {
            const l = d.metadata.labels ?? {};
            if (!l[L.instance]) return [];
            return [
              `inst:${d.metadata.namespace}/${d.metadata.name}`,
              `doc:${d.metadata.namespace}/${appDocName(l[L.appId])}`,
            ];
          },
        },
      ],
      async reconcile(_c, key) {
        const [type, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        const [ns, name] = rest.includes('/') ? rest.split('/') : [rest, ''];
        const record = await recordOf(ns);
        if (!record) return;
        if (type === 'fed') return reconcileZones(record);
        if (type === 'doc') return reconcileApp(ns, name, record);
        if (type === 'inst') return reconcileInstance(ns, name, record);
      },
    };
  };
}
