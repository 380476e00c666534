// The Federation controller: creates the federation on the partner, subscribes zones, keeps them as local Sites.
import {
  ApiError,
  getCondition,
  LeaseKind,
  ProviderKind,
  setCondition,
  siteLeaseName,
  SiteKind,
  WorkloadKind,
  type Condition,
  type Site,
} from '../../model/index.js';
import type { ControllerSpec, ReconcileContext, ReconcileResult } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';
import { jsonEqual } from '../../store/index.js';
import { EwbiError, type EwbiClient } from './client.js';
import { callbackIdOf, type GuestContext } from './context.js';
import {
  FEDERATION_FINALIZER,
  FEDERATION_LABEL,
  FederationKind,
  INSTANCE_FINALIZER,
  FederationOperationKind,
  type Federation,
  type FederationStatus,
  type FederationZone,
} from './kinds.js';
import { ZoneInventory } from './inventory.js';
import { acceptedZoneOf, offeredZoneOf } from './wire.js';
import { isZoneStatus } from './zones.js';

const ignoreGone = (e: unknown): void => {
  if (!(e instanceof ApiError && (e.code === 'NotFound' || e.code === 'Conflict'))) throw e;
};

export function federationController(g: GuestContext) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const feds = m.informer(FederationKind);
    const sites = m.informer(SiteKind);
    const monotonic = (): number => performance.now();
    const inventory = new ZoneInventory(store, () => sites.list(), m.log);
    const renewLease = inventory.renewLease.bind(inventory);
    const syncInventory = inventory.sync.bind(inventory);

    const zoneSites = (fed: string): Site[] =>
      sites.list().filter((s) => s.metadata.labels?.[FEDERATION_LABEL] === fed);

    async function writeStatus(fed: Federation, status: FederationStatus): Promise<Federation> {
      if (jsonEqual(status, fed.status ?? {})) return fed;
      return store.updateStatus(FederationKind, { ...fed, status });
    }

    const cond = (fed: Federation, c: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] =>
      setCondition(fed.status?.conditions, c, now.toISOString());

    async function create(fed: Federation, client: EwbiClient, now: Date): Promise<Federation> {
      const base = g.callbackBase(fed);
      const body = {
        origOPFederationId: g.opts.federationId ?? 'continuum',
        ...(g.opts.country ? { origOPCountryCode: g.opts.country } : {}),
        initialDate: now.toISOString(),
        partnerStatusLink: `${base}/partnerStatusLink`,
        ...(await g.callbackCredentials(fed)),
      };
      const res = await client.json('POST', '/partner', body);
      const r = (res.body ?? {}) as Record<string, unknown>;
      const fcid = typeof r.federationContextId === 'string' ? r.federationContextId : undefined;
      if (!fcid) throw new EwbiError('CreateFederation: no federationContextId in the answer', res.status, r);
      const offered = (Array.isArray(r.offeredAvailabilityZones) ? r.offeredAvailabilityZones : [])
        .map(offeredZoneOf)
        .filter((z): z is FederationZone => !!z);
      return writeStatus(fed, {
        ...fed.status,
        phase: 'Pending',
        federationContextId: fcid,
        callbackId: callbackIdOf(fed),
        ...(typeof r.partnerOPFederationId === 'string' ? { partnerFederationId: r.partnerOPFederationId } : {}),
        ...(typeof r.partnerOPCountryCode === 'string' ? { partnerCountry: r.partnerOPCountryCode } : {}),
        offeredZones: offered,
        lastContactTime: now.toISOString(),
        conditions: cond(
          fed,
          { type: 'Established', status: 'True', reason: 'FederationCreated', message: `context ${fcid}` },
          now,
        ),
      });
    }

    /** Subscribes the zones we accept and are not subscribed to; unsubscribes the ones we no longer accept. */
    async function subscribe(fed: Federation, client: EwbiClient): Promise<Federation> {
      const fcid = fed.status!.federationContextId!;
      const offered = fed.status?.offeredZones ?? [];
      const accept = new Set(fed.spec.acceptedZones ?? offered.map((z) => z.zoneId));
      const have = fed.status?.acceptedZones ?? [];
      const missing = offered.filter((z) => accept.has(z.zoneId) && !have.some((h) => h.zoneId === z.zoneId));
      let accepted = have;
      if (missing.length) {
        const res = await client.json('POST', `/${fcid}/zones`, {
          acceptedAvailabilityZones: missing.map((z) => z.zoneId),
          availZoneNotifLink: `${g.callbackBase(fed)}/availZoneNotifLink`,
        });
        const info = ((res.body ?? {}) as { acceptedZoneResourceInfo?: unknown[] }).acceptedZoneResourceInfo ?? [];
        for (const z of missing) {
          const data = info.map(acceptedZoneOf).find((d) => d?.zoneId === z.zoneId);
          accepted = [...accepted, { ...z, ...data, status: 'AVAILABLE' }];
        }
      }
      for (const z of accepted.filter((a) => !accept.has(a.zoneId))) {
        await client.json('DELETE', `/${fcid}/zones/${encodeURIComponent(z.zoneId)}`).catch((e: unknown) => {
          if (!(e instanceof EwbiError && e.status === 404)) throw e;
        });
        accepted = accepted.filter((a) => a.zoneId !== z.zoneId);
      }
      return writeStatus(fed, { ...fed.status, acceptedZones: accepted });
    }

    /** Asks the partner whether it is there; zones and phase follow its answer or a long enough silence. */
    async function heartbeat(fed: Federation, client: EwbiClient, now: Date): Promise<Federation> {
      const name = fed.metadata.name;
      const fcid = fed.status!.federationContextId!;
      try {
        await client.json('GET', `/${fcid}/partner`);
        g.lastContact.set(name, monotonic());
      } catch (e) {
        if (!(e instanceof EwbiError && e.transient)) throw e;
        const since = g.lastContact.get(name);
        if (since === undefined) g.lastContact.set(name, monotonic());
        else if (monotonic() - since >= g.unavailableAfterMs(fed)) {
          const zones = (fed.status?.acceptedZones ?? []).map((z) => ({ ...z, status: 'NOT_AVAILABLE' as const }));
          return writeStatus(fed, {
            ...fed.status,
            phase: 'Unavailable',
            acceptedZones: zones,
            conditions: cond(
              fed,
              { type: 'PartnerReachable', status: 'False', reason: 'PartnerUnreachable', message: e.message },
              now,
            ),
          });
        }
        return fed;
      }
      const reachable = getCondition(fed.status?.conditions, 'PartnerReachable');
      const zones = (fed.status?.acceptedZones ?? []).map((z) =>
        z.status === 'NOT_AVAILABLE' && fed.status?.phase === 'Unavailable'
          ? { ...z, status: 'AVAILABLE' as const }
          : z,
      );
      const next = await writeStatus(fed, {
        ...fed.status,
        phase: 'Established',
        acceptedZones: zones,
        ...(reachable?.status === 'True' && fed.status?.lastContactTime ? {} : { lastContactTime: now.toISOString() }),
        conditions: cond(
          fed,
          { type: 'PartnerReachable', status: 'True', reason: 'PartnerAnswers', message: 'the partner answers' },
          now,
        ),
      });
      const durationS = Math.ceil(g.unavailableAfterMs(fed) / 1000);
      for (const z of next.status?.acceptedZones ?? []) {
        const site = zoneSites(name).find((s) => s.metadata.labels?.['continuum.eu/partner-zone'] === z.zoneId);
        if (site && isZoneStatus(z.status) && z.status === 'AVAILABLE')
          await renewLease(site.metadata.name, durationS, now);
      }
      return next;
    }

    /** Deleting: our Sites go (their workloads are re-placed and their instances removed), then the partner's side. */
    async function teardown(fed: Federation, ctx: ReconcileContext): Promise<ReconcileResult | void> {
      const name = fed.metadata.name;
      if (!fed.metadata.finalizers?.includes(FEDERATION_FINALIZER)) return;
      fed = await writeStatus(fed, { ...fed.status, phase: 'Deleting' });
      const mine = zoneSites(name);
      for (const s of mine)
        if (!s.metadata.deletionTimestamp) await store.delete(SiteKind, undefined, s.metadata.name).catch(ignoreGone);
      // Replicas that ran there keep a finalizer until their instance is removed on the partner.
      const left = (await store.list(WorkloadKind)).items.filter(
        (w) =>
          w.metadata.annotations?.[FEDERATION_LABEL] === name && w.metadata.finalizers?.includes(INSTANCE_FINALIZER),
      );
      const pending = (
        await store.list(FederationOperationKind, { fieldSelector: `spec.federation=${name}` })
      ).items.filter((o) => o.status?.phase !== 'Done' && o.status?.phase !== 'Failed');
      if (left.length || pending.length) {
        ctx.log.info(`federation ${name}: waiting for ${left.length} workload(s) and ${pending.length} EWBI call(s)`);
        return { requeueAfterMs: g.pollMs };
      }
      const fcid = fed.status?.federationContextId;
      if (fcid) {
        const client = await g.client(fed);
        try {
          for (const z of fed.status?.acceptedZones ?? [])
            await client.json('DELETE', `/${fcid}/zones/${encodeURIComponent(z.zoneId)}`).catch(notFoundOk);
          await client.json('DELETE', `/${fcid}/partner`).catch(notFoundOk);
        } catch (e) {
          // The partner still stops our instances (409), or is away: ask again later.
          if (!(e instanceof EwbiError && (e.transient || e.status === 409))) throw e;
          ctx.log.info(`federation ${name}: partner not done yet (${e.message})`);
          return { requeueAfterMs: g.pollMs };
        }
      }
      for (const s of mine) await store.delete(LeaseKind, undefined, siteLeaseName(s.metadata.name)).catch(ignoreGone);
      const prov = await store.get(ProviderKind, undefined, fed.spec.partner.provider);
      if (prov?.metadata.labels?.[FEDERATION_LABEL] === name)
        await store.delete(ProviderKind, undefined, prov.metadata.name).catch(ignoreGone);
      for (const o of (await store.list(FederationOperationKind, { fieldSelector: `spec.federation=${name}` })).items)
        await store.delete(FederationOperationKind, undefined, o.metadata.name).catch(ignoreGone);
      g.forget(name);
      await store.update(FederationKind, {
        ...fed,
        metadata: {
          ...fed.metadata,
          finalizers: (fed.metadata.finalizers ?? []).filter((f) => f !== FEDERATION_FINALIZER),
        },
      });
    }

    return {
      name: 'federation',
      workers: 1,
      backoff: { baseMs: 500, maxMs: 10_000, jitter: 0.2 },
      watches: [
        { informer: feds },
        { informer: sites, map: (s: Site) => [s.metadata.labels?.[FEDERATION_LABEL] ?? ''].filter(Boolean) },
      ],
      async reconcile(ctx, name) {
        let fed = await store.get(FederationKind, undefined, name);
        if (!fed) return;
        const now = ctx.now();
        if (fed.metadata.deletionTimestamp) return teardown(fed, ctx);
        if (!fed.metadata.finalizers?.includes(FEDERATION_FINALIZER)) {
          await store.update(FederationKind, {
            ...fed,
            metadata: { ...fed.metadata, finalizers: [...(fed.metadata.finalizers ?? []), FEDERATION_FINALIZER] },
          });
          return;
        }
        let client: EwbiClient;
        try {
          client = await g.client(fed);
        } catch (e) {
          await writeStatus(fed, {
            ...fed.status,
            phase: fed.status?.phase ?? 'Pending',
            conditions: cond(
              fed,
              { type: 'Established', status: 'False', reason: 'CredentialsInvalid', message: (e as Error).message },
              now,
            ),
          });
          return { stalled: true };
        }
        const until = fed.spec.terms?.validUntil ? Date.parse(fed.spec.terms.validUntil) : NaN;
        if (Number.isFinite(until) && until <= now.getTime()) {
          fed = await writeStatus(fed, { ...fed.status, phase: 'Expired', acceptedZones: [] });
          await syncInventory(fed);
          return;
        }
        try {
          if (!fed.status?.federationContextId) fed = await create(fed, client, now);
          fed = await subscribe(fed, client);
          fed = await heartbeat(fed, client, now);
        } catch (e) {
          if (!(e instanceof EwbiError)) throw e;
          ctx.log.warn(`federation ${name}: ${e.message}`);
          await writeStatus(fed, {
            ...fed.status,
            phase: fed.status?.phase ?? 'Pending',
            conditions: cond(
              fed,
              {
                type: 'Established',
                status: fed.status?.federationContextId ? 'True' : 'False',
                reason: e.transient ? 'PartnerUnreachable' : 'PartnerRefused',
                message: e.message,
              },
              now,
            ),
          });
          if (!e.transient) return { stalled: true };
        }
        await syncInventory(fed);
        return { requeueAfterMs: g.pollMs };
      },
    };
  };
}

function notFoundOk(e: unknown): void {
  if (!(e instanceof EwbiError && e.status === 404)) throw e;
}
