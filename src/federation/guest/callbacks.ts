// The callback endpoints of the originating side: what the partner tells us about the federation, zones and apps.
import type { FastifyInstance } from 'fastify';
import { ApiError, SYSTEM_NAMESPACE, WorkloadKind } from '../../model/index.js';
import { SecretKind } from '../../security/index.js';
import { CALLBACK_OPERATIONS, EWBI_TOKEN_PATH } from '../ewbi/index.js';
import { prepareContext, serve } from '../host/http.js';
import type { PartnerTokens } from '../host/oauth.js';
import { callbackIdOf, type GuestContext } from './context.js';
import { FederationKind, FederationOperationKind, type Federation, type FederationZone } from './kinds.js';
import { mirrorStatus } from './mirror.js';
import { operationName } from './outbox.js';
import { offeredZoneOf } from './wire.js';
import { isZoneStatus, vcpuQuantity } from './zones.js';

export interface CallbackOptions {
  /** Our token issuer: partners call back with tokens from our token endpoint. */
  tokens: PartnerTokens;
}

type Body = Record<string, any>;

/** Registers the seven callback routes under `${EWBI_PREFIX}/:federationCallbackId/...`. */
export function callbackRoutes(g: GuestContext, opts: CallbackOptions) {
  const store = g.store;

  /** The federation a callback id belongs to, checked against the caller and the body's context id. */
  async function federationOf(callbackId: string, client: string, body: Body): Promise<Federation> {
    const fed = (await store.list(FederationKind)).items.find(
      (f) => f.status?.callbackId === callbackId || callbackIdOf(f) === callbackId,
    );
    if (!fed) throw new ApiError('NotFound', `no federation for callback id ${callbackId}`);
    const ref = fed.spec.callbackCredentialsSecret;
    if (ref) {
      const s = await store.get(SecretKind, ref.namespace ?? SYSTEM_NAMESPACE, ref.name);
      const id = s?.spec?.data?.clientId ? Buffer.from(s.spec.data.clientId, 'base64').toString('utf8') : undefined;
      // Another partner's client: as if the federation did not exist (nothing to learn about it).
      if (id !== client) throw new ApiError('NotFound', `no federation for callback id ${callbackId}`);
    }
    const fcid = body.federationContextId;
    if (fcid !== undefined && fcid !== fed.status?.federationContextId)
      throw new ApiError('NotFound', `federation context ${String(fcid)} is not the one of this callback`);
    return fed;
  }

  const handlers: Record<string, (fed: Federation, body: Body) => Promise<void>> = {
    async partnerStatusLink(fed, b) {
      const st = { ...fed.status };
      let accepted = [...(st.acceptedZones ?? [])];
      let offered = [...(st.offeredZones ?? [])];
      if (b.objectType === 'ZONES' && b.operationType === 'STATUS')
        for (const z of (b.zoneStatus ?? []) as Body[])
          accepted = accepted.map((a) =>
            a.zoneId === z.zoneId && isZoneStatus(z.status) ? { ...a, status: z.status } : a,
          );
      if (b.objectType === 'ZONES' && b.operationType === 'ADD')
        for (const z of ((b.addZones ?? []) as unknown[]).map(offeredZoneOf))
          if (z && !offered.some((o) => o.zoneId === z.zoneId)) offered.push(z);
      if (b.objectType === 'ZONES' && b.operationType === 'REMOVE') {
        const gone = new Set((b.removeZones ?? []) as string[]);
        offered = offered.filter((z) => !gone.has(z.zoneId));
        accepted = accepted.filter((z) => !gone.has(z.zoneId));
      }
      if (b.objectType === 'FEDERATION' && b.operationType === 'STATUS' && isZoneStatus(b.federationStatus)) {
        const ok = b.federationStatus === 'AVAILABLE';
        if (!ok) accepted = accepted.map((a) => ({ ...a, status: b.federationStatus as FederationZone['status'] }));
        st.phase = ok ? 'Established' : 'Unavailable';
      }
      await store.updateStatus(FederationKind, {
        ...fed,
        status: { ...st, acceptedZones: accepted, offeredZones: offered },
      });
    },
    async availZoneNotifLink(fed, b) {
      const info = ((b.zoneResUpdInfo ?? []) as Body[]).find((i) => Array.isArray(i.availableCompResources));
      const res = info?.availableCompResources?.[0] as Body | undefined;
      const cpu = vcpuQuantity(res?.numCPU);
      const mem = Number.isInteger(res?.memory) && res!.memory > 0 ? `${res!.memory}Mi` : undefined;
      if (!cpu || !mem) return;
      const accepted = (fed.status?.acceptedZones ?? []).map((z) =>
        z.zoneId === b.zoneId ? { ...z, reserved: { cpu, memory: mem } } : z,
      );
      await store.updateStatus(FederationKind, { ...fed, status: { ...fed.status, acceptedZones: accepted } });
    },
    async appStatusCallbackLink(fed, b) {
      const op = await store.get(
        FederationOperationKind,
        undefined,
        operationName(fed.metadata.name, 'OnboardApplication', String(b.appId)),
      );
      if (!op)
        throw new ApiError('NotFound', `application ${String(b.appId)} was not onboarded through this federation`);
      const state = ((b.statusInfo ?? []) as Body[]).map((s) => s.onboardStatusInfo).find((s) => typeof s === 'string');
      if (state && state !== op.status?.partnerState)
        await store.updateStatus(FederationOperationKind, { ...op, status: { ...op.status, partnerState: state } });
    },
    async appInstCallbackLink(fed, b) {
      const op = await store.get(
        FederationOperationKind,
        undefined,
        operationName(fed.metadata.name, 'InstallApp', String(b.appInstanceId)),
      );
      const key = op?.spec.refs?.workload;
      if (!op || !key || op.spec.refs?.appId !== b.appId)
        throw new ApiError('NotFound', `instance ${String(b.appInstanceId)} was not created through this federation`);
      const [ns, name] = key.split('/');
      const w = await store.get(WorkloadKind, ns, name);
      if (!w || w.metadata.deletionTimestamp) return;
      await store.updateStatus(WorkloadKind, { ...w, status: mirrorStatus(w, b.appInstanceInfo) });
    },
    // Artefact, file and reservation notices carry nothing this side acts on: acknowledged once authenticated.
    async artefactStatusCallbackLink() {},
    async fileStatusCallbackLink() {},
    async resourceReservationCallbackLink() {},
  };

  return (app: FastifyInstance): void => {
    // An encapsulated context: EWBI parsers, ProblemDetails errors and the bearer check apply to these routes only.
    void app.register(async (ctx) => {
      prepareContext(ctx, opts.tokens, EWBI_TOKEN_PATH);
      for (const op of CALLBACK_OPERATIONS) {
        const link = op.path.split('/').pop()!;
        const handle = handlers[link];
        if (!handle) continue;
        serve(ctx, op, async (r) => {
          const body = (r.body ?? {}) as Body;
          const fed = await federationOf(r.params.federationCallbackId, r.client, body);
          await handle(fed, body);
        });
      }
    });
  };
}
