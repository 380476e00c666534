// Partner routes of the instance lifecycle (native Deployments pinned to the zone) and of ISV resource pools.
import type { FastifyInstance } from 'fastify';
import { ApiError, ApplicationKind, DeploymentKind, mebibytes, milliCpu, SiteKind } from '../../model/index.js';
import {
  operation,
  type AppInstanceList,
  type CreateResourcePoolsRequest,
  type InstallAppRequest,
  type ResourcePoolList,
  type UpdateResourcePoolRequest,
} from '../ewbi/index.js';
import type { PartnerContext } from './context.js';
import { serve } from './http.js';
import { accessPoints, instanceState } from './native.js';
import {
  canonical,
  deleteDoc,
  getDoc,
  head,
  L,
  listDocs,
  loadFederation,
  namespaceOf,
  putDoc,
  recordName,
  type FederationRecord,
} from './records.js';
import { appDoc, listInstances } from './app-records.js';
import { flavours, FLAVOURS } from './zones.js';

/** What the partner keeps about one ISV resource pool. */
export interface PoolDoc {
  zoneId: string;
  appProviderId: string;
  request: CreateResourcePoolsRequest;
  /** Granted count per flavour. */
  granted: Record<string, number>;
  reservationTime: string;
  /** The grant was delivered to resourceReservationCallbackLink (the callback outbox). */
  notified?: string;
}

const poolName = (zone: string, prov: string, pool: string): string => recordName('pool', zone, prov, pool);

/** CPU (milli) and memory (MiB) of granted flavours over every pool of a federation. */
function usage(pools: readonly PoolDoc[]): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0;
  for (const p of pools)
    for (const [id, n] of Object.entries(p.granted)) {
      const f = FLAVOURS.find((x) => x.id === id);
      if (f) {
        cpu += f.cpu * 1000 * n;
        mem += f.memoryMiB * n;
      }
    }
  return { cpu, mem };
}

export function lcmRoutes(app: FastifyInstance, ctx: PartnerContext): void {
  const { store } = ctx;

  serve(app, operation('InstallApp'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as InstallAppRequest;
    const ns = namespaceOf(record.federationContextId);
    const zone = b.zoneInfo.zoneId;
    const existing = await store.get(DeploymentKind, ns, b.appInstanceId);
    if (existing) {
      if (existing.metadata.annotations?.[L.instance] !== canonical(b))
        throw new ApiError('Conflict', `instance ${b.appInstanceId} already exists with a different request`);
      return; // the same install again: the one instance stays
    }
    const doc = await appDoc(store, record, b.appId);
    if (!doc || doc.deleting || doc.request.appProviderId !== b.appProviderId)
      throw new ApiError('Invalid', `application ${b.appId} is not onboarded`, [
        { field: 'appId', message: 'not onboarded' },
      ]);
    if (doc.zones[zone] === 'PENDING')
      throw new ApiError('Conflict', `application ${b.appId} is still onboarding in ${zone}`);
    if (doc.zones[zone] !== 'ONBOARDED')
      throw new ApiError('Invalid', `application ${b.appId} is not onboarded in zone ${zone}`, [
        { field: 'zoneInfo.zoneId', message: 'not onboarded there' },
      ]);
    if (doc.forbidden.includes(zone))
      throw new ApiError('Conflict', `zone ${zone} is locked for application ${b.appId}`);
    const site = await store.get(SiteKind, undefined, zone);
    if (!site || !flavours(site).some((f) => f.flavourId === b.zoneInfo.flavourId))
      throw new ApiError('Invalid', `flavour ${b.zoneInfo.flavourId} is not supported in zone ${zone}`, [
        { field: 'zoneInfo.flavourId', message: 'unsupported' },
      ]);
    if (b.zoneInfo.resPool && !(await getDoc(store, ns, poolName(zone, b.appProviderId, b.zoneInfo.resPool))))
      throw new ApiError('Invalid', `resource pool ${b.zoneInfo.resPool} not found`, [
        { field: 'zoneInfo.resPool', message: 'unknown pool' },
      ]);
    const application = await store.get(ApplicationKind, ns, b.appId);
    if (!application) throw new ApiError('Conflict', `application ${b.appId} has no native application yet; retry`);
    const pinned = Object.fromEntries(application.spec.components.map((c) => [c.name, zone]));
    try {
      await store.create(DeploymentKind, {
        ...head(DeploymentKind),
        metadata: {
          name: b.appInstanceId,
          namespace: ns,
          labels: {
            [L.instance]: b.appInstanceId,
            [L.appId]: b.appId,
            [L.appProvider]: b.appProviderId,
            [L.zone]: zone,
          },
          annotations: { [L.instance]: canonical(b) },
        },
        spec: { application: b.appId, placement: { pinned } },
      });
    } catch (e) {
      // Two identical installs racing: the loser finds the winner's object, which is the same instance.
      if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
      const now = await store.get(DeploymentKind, ns, b.appInstanceId);
      if (now?.metadata.annotations?.[L.instance] !== canonical(b)) throw e;
    }
  });

  const mustInstance = async (record: FederationRecord, p: Record<string, string>) => {
    const d = await store.get(DeploymentKind, namespaceOf(record.federationContextId), p.appInstanceId);
    const l = d?.metadata.labels ?? {};
    if (!d || l[L.appId] !== p.appId || l[L.zone] !== p.zoneId)
      throw new ApiError('NotFound', `instance ${p.appInstanceId} of ${p.appId} in ${p.zoneId} not found`, [
        { field: 'appInstanceId', message: 'no such instance' },
      ]);
    return d;
  };

  serve(app, operation('GetAppInstanceDetails'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const d = await mustInstance(record, params);
    const ap = accessPoints(d);
    return { body: { appInstanceState: instanceState(d), ...(ap ? { accessPointInfo: ap } : {}) } };
  });

  serve(app, operation('RemoveApp'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const d = await mustInstance(record, params);
    if (!d.metadata.deletionTimestamp)
      await store.delete(DeploymentKind, d.metadata.namespace, d.metadata.name).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 'NotFound')) throw e;
      });
  });

  serve(app, operation('GetAllAppInstances'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const byZone = new Map<string, AppInstanceList[number]['appInstanceInfo']>();
    for (const d of await listInstances(store, record)) {
      const l = d.metadata.labels ?? {};
      if (l[L.appId] !== params.appId || l[L.appProvider] !== params.appProviderId) continue;
      const list = byZone.get(l[L.zone]) ?? [];
      list.push({ appInstIdentifier: d.metadata.name, appInstanceState: instanceState(d) });
      byZone.set(l[L.zone], list);
    }
    if (!byZone.size) throw new ApiError('NotFound', `no instance of application ${params.appId}`);
    const body: AppInstanceList = [...byZone].map(([zoneId, appInstanceInfo]) => ({ zoneId, appInstanceInfo }));
    return { body };
  });

  const pools = (record: FederationRecord) => listDocs<PoolDoc>(store, namespaceOf(record.federationContextId), 'pool');
  const fits = (record: FederationRecord, all: PoolDoc[]) => {
    const u = usage(all);
    return u.cpu <= milliCpu(ctx.quota.cpu ?? 0) && u.mem <= mebibytes(ctx.quota.memory ?? 0);
  };
  const savePool = (record: FederationRecord, p: PoolDoc) =>
    putDoc(
      store,
      namespaceOf(record.federationContextId),
      poolName(p.zoneId, p.appProviderId, p.request.resRequest.poolId),
      'ewbi.continuum.eu/pool',
      p,
      {
        [L.kind]: 'pool',
        [L.zone]: p.zoneId,
        [L.appProvider]: p.appProviderId,
      },
    );

  serve(app, operation('CreateResourcePools'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as CreateResourcePoolsRequest;
    const zone = params.zoneId;
    if (!record.acceptedZones.includes(zone))
      throw new ApiError('NotFound', `zone ${zone} is not subscribed`, [
        { field: 'zoneId', message: 'not subscribed' },
      ]);
    const all = await pools(record);
    const cur = all.find(
      (p) =>
        p.zoneId === zone &&
        p.appProviderId === params.appProviderId &&
        p.request.resRequest.poolId === b.resRequest.poolId,
    );
    if (cur) {
      if (canonical(cur.request) !== canonical(b))
        throw new ApiError('Conflict', `pool ${b.resRequest.poolId} exists with different content`);
      return;
    }
    const site = await store.get(SiteKind, undefined, zone);
    const offered = new Set((site ? flavours(site) : []).map((f) => f.flavourId));
    const unknown = b.resRequest.flavours.filter((f) => !offered.has(f.flavourId));
    if (unknown.length)
      throw new ApiError(
        'Invalid',
        `flavours not supported in ${zone}`,
        unknown.map((f) => ({ field: 'resRequest.flavours', message: `${f.flavourId} unsupported` })),
      );
    const doc: PoolDoc = {
      zoneId: zone,
      appProviderId: params.appProviderId,
      request: b,
      granted: {},
      reservationTime: new Date().toISOString(),
    };
    // Grant the full count when the federation's quota allows, else the stated minimum, else refuse.
    for (const f of b.resRequest.flavours) {
      doc.granted[f.flavourId] = f.numFlavour;
      if (!fits(record, [...all, doc])) doc.granted[f.flavourId] = f.minNumOfFlavours ?? 0;
      if (!fits(record, [...all, doc]) || doc.granted[f.flavourId] <= 0)
        throw new ApiError(
          'Invalid',
          `the federation's quota cannot hold ${f.flavourId} × ${f.minNumOfFlavours ?? f.numFlavour}`,
          [{ field: 'resRequest.flavours', message: 'over quota' }],
        );
    }
    await savePool(record, doc);
  });

  serve(app, operation('ViewISVResPool'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const mine = (await pools(record)).filter(
      (p) => p.zoneId === params.zoneId && p.appProviderId === params.appProviderId,
    );
    const body: ResourcePoolList = mine.map((p) => ({
      poolName: p.request.resRequest.poolName,
      reservedPoolId: p.request.resRequest.poolId,
      reservedFlavours: Object.entries(p.granted).map(([flavourId, count]) => ({ flavourId, count })),
      reserveDuration: p.request.resRequest.reserveDuration,
      reservationTime: p.reservationTime,
    }));
    return { body };
  });

  const mustPool = async (record: FederationRecord, p: Record<string, string>) => {
    const doc = await getDoc<PoolDoc>(
      store,
      namespaceOf(record.federationContextId),
      poolName(p.zoneId, p.appProviderId, p.poolId),
    );
    if (!doc)
      throw new ApiError('NotFound', `pool ${p.poolId} not found`, [{ field: 'poolId', message: 'no such pool' }]);
    return doc;
  };

  serve(app, operation('UpdateISVResPool'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const doc = await mustPool(record, params);
    const next = structuredClone(doc);
    for (const u of body as UpdateResourcePoolRequest) {
      const cur = next.granted[u.flavourId] ?? 0;
      if (u.updateType === 'ADD') next.granted[u.flavourId] = cur + Math.max(0, u.count);
      else if (u.updateType === 'REMOVE') next.granted[u.flavourId] = Math.max(0, cur - Math.max(0, u.count));
      else if (u.reserveDuration) next.request.resRequest.reserveDuration = u.reserveDuration;
      if (next.granted[u.flavourId] === 0) delete next.granted[u.flavourId];
    }
    const others = (await pools(record)).filter(
      (p) =>
        !(
          p.zoneId === doc.zoneId &&
          p.appProviderId === doc.appProviderId &&
          p.request.resRequest.poolId === doc.request.resRequest.poolId
        ),
    );
    if (!fits(record, [...others, next]))
      throw new ApiError('Invalid', 'the update exceeds the federation quota', [
        { field: '(body)', message: 'over quota' },
      ]);
    if (canonical(next) !== canonical(doc)) await savePool(record, { ...next, notified: undefined });
  });

  serve(app, operation('RemoveISVResPool'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    await mustPool(record, params);
    await deleteDoc(
      store,
      namespaceOf(record.federationContextId),
      poolName(params.zoneId, params.appProviderId, params.poolId),
    );
  });
}
