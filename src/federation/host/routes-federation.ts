// Partner routes of federation management, zone synchronisation, edge discovery, device auth and the token endpoint.
import type { FastifyInstance } from 'fastify';
import { ApiError, NamespaceKind } from '../../model/index.js';
import {
  EWBI_PREFIX,
  EWBI_TOKEN_PATH,
  operation,
  type CandidateZonesRequest,
  type FederationDetails,
  type FederationRequestData,
  type FederationResponseData,
  type MobileNetworkIds,
  type ServiceEndpoint,
  type UpdateFederationRequest,
  type ZoneRegistrationRequestData,
} from '../ewbi/index.js';
import type { PartnerContext } from './context.js';
import { serve } from './http.js';
import { clientCredentials, OAuthError } from './oauth.js';
import {
  contextIdFor,
  ensureFederationNamespace,
  loadFederation,
  namespaceOf,
  putDoc,
  recordName,
  saveRecord,
  type FederationRecord,
} from './records.js';
import { appDoc, listInstances } from './app-records.js';
import { offeredSites, zoneDetails, zoneRegisteredData, zoneStatus } from './zones.js';

/** Where this partner serves EWBI, as the spec's ServiceEndpoint, from the origin the caller used. */
export function endpointOf(origin: string): ServiceEndpoint {
  const u = new URL(origin);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? { port, ipv4Addresses: [host] } : { port, fqdn: host };
}

const distanceKm = (a: [number, number], b: [number, number]): number => {
  const r = (d: number): number => (d * Math.PI) / 180;
  const h =
    Math.sin(r(b[0] - a[0]) / 2) ** 2 + Math.cos(r(a[0])) * Math.cos(r(b[0])) * Math.sin(r(b[1] - a[1]) / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
};

function mergeCodes(cur: MobileNetworkIds | undefined, add?: MobileNetworkIds, remove?: MobileNetworkIds) {
  const mncs = new Set(cur?.mncs ?? []);
  for (const m of add?.mncs ?? []) mncs.add(m);
  for (const m of remove?.mncs ?? []) mncs.delete(m);
  const mcc = add?.mcc ?? cur?.mcc;
  return { ...(mcc ? { mcc } : {}), ...(mncs.size ? { mncs: [...mncs] } : {}) };
}

export function federationRoutes(app: FastifyInstance, ctx: PartnerContext): void {
  const { store } = ctx;

  app.post(EWBI_TOKEN_PATH, { config: { access: { kind: 'partner' } } }, async (req, reply) => {
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    void reply.header('cache-control', 'no-store');
    try {
      const { clientId, clientSecret } = clientCredentials(req.headers.authorization, form);
      if (form.grant_type !== 'client_credentials')
        throw new OAuthError(400, 'unsupported_grant_type', 'only client_credentials');
      return reply
        .code(200)
        .type('application/json')
        .send(await ctx.tokens.grant(clientId, clientSecret, form.scope));
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      if (e.status === 401) void reply.header('www-authenticate', 'Basic realm="ewbi"');
      // RFC 6749 members inside an RFC 9457 document: OAuth clients read `error`, the rest of the API's clients
      // get the problem+json every error of this server is (ADR 0018).
      const problem = {
        error: e.error,
        error_description: e.description,
        title: e.error,
        status: e.status,
        detail: e.description,
      };
      return reply.code(e.status).type('application/problem+json').send(JSON.stringify(problem));
    }
  });

  const details = async (record: FederationRecord, origin: string): Promise<FederationDetails> => {
    const zones = [...(await offeredSites(store, ctx.offer)).values()].map(zoneDetails);
    return {
      edgeDiscoveryServiceEndPoint: endpointOf(origin),
      lcmServiceEndPoint: endpointOf(origin),
      ...(record.mobileNetworkIds ? { allowedMobileNetworkIds: record.mobileNetworkIds } : {}),
      ...(record.fixedNetworkIds?.length ? { allowedFixedNetworkIds: record.fixedNetworkIds } : {}),
      ...(zones.length ? { offeredAvailabilityZones: zones } : {}),
    };
  };

  serve(app, operation('CreateFederation'), async ({ client, body, origin }) => {
    const b = body as FederationRequestData;
    const fcid = contextIdFor(client, b.origOPFederationId);
    const existing = await store.get(NamespaceKind, undefined, namespaceOf(fcid));
    if (existing?.metadata.deletionTimestamp)
      throw new ApiError('Conflict', `federation ${fcid} is still being deleted; retry later`);
    const record: FederationRecord = {
      federationContextId: fcid,
      clientId: client,
      origOPFederationId: b.origOPFederationId,
      ...(b.origOPCountryCode ? { origOPCountryCode: b.origOPCountryCode } : {}),
      ...(b.origOPMobileNetworkCodes ? { mobileNetworkIds: b.origOPMobileNetworkCodes } : {}),
      ...(b.origOPFixedNetworkCodes ? { fixedNetworkIds: b.origOPFixedNetworkCodes } : {}),
      initialDate: b.initialDate,
      partnerStatusLink: b.partnerStatusLink,
      ...(b.partnerCallbackCredentials ? { callbackSecret: recordName('callback', fcid) } : {}),
      acceptedZones: [],
    };
    const ns = await ensureFederationNamespace(store, record, ctx.quota, ctx.runtimes);
    const prior = ns.metadata.annotations?.[`ewbi.continuum.eu/federation`];
    if (prior) {
      // A repeated create: same context, zones kept; links and credentials follow the latest request.
      const old = JSON.parse(prior) as FederationRecord;
      record.acceptedZones = old.acceptedZones;
      if (old.availZoneNotifLink) record.availZoneNotifLink = old.availZoneNotifLink;
      if (old.zoneStatus) record.zoneStatus = old.zoneStatus;
    }
    if (b.partnerCallbackCredentials)
      await putDoc(
        store,
        namespaceOf(fcid),
        recordName('callback', fcid),
        'ewbi.continuum.eu/callback-credentials',
        b.partnerCallbackCredentials,
      );
    await saveRecord(store, record);
    const zones = [...(await offeredSites(store, ctx.offer)).values()].map(zoneDetails);
    const res: FederationResponseData = {
      partnerOPFederationId: ctx.federationId,
      ...(ctx.countryCode ? { partnerOPCountryCode: ctx.countryCode } : {}),
      federationContextId: fcid,
      edgeDiscoveryServiceEndPoint: endpointOf(origin),
      lcmServiceEndPoint: endpointOf(origin),
      ...(zones.length ? { offeredAvailabilityZones: zones } : {}),
      platformCaps: ['homeRouting'],
    };
    return { body: res, headers: { location: `${EWBI_PREFIX}/${fcid}/partner` } };
  });

  serve(app, operation('GetFederationDetails'), async ({ client, params, origin }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    return { body: await details(record, origin) };
  });

  serve(app, operation('UpdateFederation'), async ({ client, params, body, origin }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as UpdateFederationRequest;
    if (b.objectType === 'MOBILE_NETWORK_CODES') {
      const base = b.operationType === 'UPDATE_CODES' ? undefined : record.mobileNetworkIds;
      record.mobileNetworkIds = mergeCodes(
        base,
        b.addMobileNetworkIds,
        b.operationType === 'REMOVE_CODES' ? b.removeMobileNetworkIds : undefined,
      );
    } else {
      const set = new Set(b.operationType === 'UPDATE_CODES' ? [] : (record.fixedNetworkIds ?? []));
      for (const c of b.addFixedNetworkIds ?? []) set.add(c);
      if (b.operationType === 'REMOVE_CODES') for (const c of b.removeFixedNetworkIds ?? []) set.delete(c);
      record.fixedNetworkIds = [...set];
    }
    await saveRecord(store, record);
    return { body: await details(record, origin) };
  });

  serve(app, operation('DeleteFederationDetails'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    // The namespace controller deletes every object of the namespace (instances first stop) before it goes.
    await store.delete(NamespaceKind, undefined, namespaceOf(record.federationContextId));
  });

  serve(app, operation('ZoneSubscribe'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as ZoneRegistrationRequestData;
    const sites = await offeredSites(store, ctx.offer);
    const unknown = b.acceptedAvailabilityZones.filter((z) => !sites.has(z));
    if (unknown.length)
      throw new ApiError(
        'Invalid',
        `zones not offered: ${unknown.join(', ')}`,
        unknown.map((z) => ({ field: 'acceptedAvailabilityZones', message: `${z} is not offered` })),
      );
    record.acceptedZones = [...new Set([...record.acceptedZones, ...b.acceptedAvailabilityZones])].sort();
    record.availZoneNotifLink = b.availZoneNotifLink;
    await saveRecord(store, record);
    const info = b.acceptedAvailabilityZones.map((z) => zoneRegisteredData(sites.get(z)!, ctx.quota));
    return { body: { acceptedZoneResourceInfo: info } };
  });

  serve(app, operation('ZoneUnsubscribe'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    if (!record.acceptedZones.includes(params.zoneId))
      throw new ApiError('NotFound', `zone ${params.zoneId} is not subscribed`, [
        { field: 'zoneId', message: 'not subscribed' },
      ]);
    const running = (await listInstances(store, record)).filter(
      (d) => d.metadata.labels?.['ewbi.continuum.eu/zone'] === params.zoneId,
    );
    if (running.length)
      throw new ApiError(
        'Conflict',
        `${running.length} application instance(s) still run in zone ${params.zoneId}; remove them first`,
      );
    record.acceptedZones = record.acceptedZones.filter((z) => z !== params.zoneId);
    await saveRecord(store, record);
  });

  serve(app, operation('GetZoneData'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const site = (await offeredSites(store, ctx.offer)).get(params.zoneId);
    if (!record.acceptedZones.includes(params.zoneId) || !site)
      throw new ApiError('NotFound', `zone ${params.zoneId} is not subscribed`, [
        { field: 'zoneId', message: 'not subscribed' },
      ]);
    return { body: zoneRegisteredData(site, ctx.quota) };
  });

  serve(app, operation('GetCandidateZones'), async ({ client, params, body, origin }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as CandidateZonesRequest;
    const doc = await appDoc(store, record, b.appId);
    if (!doc || doc.request.appProviderId !== b.appProviderId)
      throw new ApiError('NotFound', `application ${b.appId} is not onboarded`, [
        { field: 'appId', message: 'not onboarded' },
      ]);
    const sites = await offeredSites(store, ctx.offer);
    let zones = Object.entries(doc.zones)
      .filter(([z, s]) => s === 'ONBOARDED' && !doc.forbidden.includes(z) && record.acceptedZones.includes(z))
      .map(([z]) => sites.get(z))
      .filter((s) => s !== undefined && zoneStatus(s) === 'AVAILABLE');
    const geo = b.edgeDiscoveryFilters?.location?.geo_location;
    if (geo) {
      const [lat, lon] = geo.split(',').map((x) => Number(x.trim())) as [number, number];
      zones = zones.sort(
        (x, y) =>
          distanceKm([lat, lon], [x!.spec.location.latitude, x!.spec.location.longitude]) -
          distanceKm([lat, lon], [y!.spec.location.latitude, y!.spec.location.longitude]),
      );
    }
    if (!zones.length) throw new ApiError('NotFound', `no candidate zone for application ${b.appId}`);
    return { body: zones.map((s) => ({ zoneId: s!.metadata.name, latencyServiceEndPoints: endpointOf(origin) })) };
  });

  serve(app, operation('AuthenticateDevice'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    if (!(await ctx.tokens.checkDeviceToken(record.federationContextId, params.deviceId, params.authToken)))
      throw new ApiError('NotFound', 'unknown device or token', [
        { field: 'authToken', message: 'not issued to this device' },
      ]);
  });
}
