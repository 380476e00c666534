// Simple and Optimal Edge Discovery: a device → its user area → the zones nearest by placement's latency model.
import type { FastifyInstance } from 'fastify';
import { isIP } from 'node:net';
import { ApiError, DeploymentKind, SiteKind, UserAreaKind, type Site, type UserArea } from '../../model/index.js';
import { modelledLatency } from '../../placement/index.js';
import { areaOfAddress } from '../gateway/index.js';
import { allow, answer, camara, checkId, LABEL_ZONE, onlyQuery, tenantOf, type CamaraDeps } from './context.js';
import { instancesOf } from './instances.js';
import { checkBody, DEVICE } from './schemas.js';
import { allSites, toZone, zoneStatus } from './zones.js';

export const SED_BASE = '/simple-edge-discovery/v2';
export const OED_BASE = '/optimal-edge-discovery/v0.1';
/** UserArea annotations mapping subscriptions to the area: comma-separated E.164 prefixes and NAI domains. */
export const ANNOTATION_PHONE_PREFIXES = 'camara.continuum.eu/phone-prefixes';
export const ANNOTATION_NAI_DOMAINS = 'camara.continuum.eu/nai-domains';

/** Default E.164 country calling codes → ISO country, for areas no annotation claims (longest code wins). */
const CALLING_CODES: Record<string, string> = {
  '1': 'US',
  '30': 'GR',
  '31': 'NL',
  '32': 'BE',
  '33': 'FR',
  '34': 'ES',
  '351': 'PT',
  '352': 'LU',
  '353': 'IE',
  '358': 'FI',
  '359': 'BG',
  '36': 'HU',
  '370': 'LT',
  '371': 'LV',
  '372': 'EE',
  '385': 'HR',
  '386': 'SI',
  '39': 'IT',
  '40': 'RO',
  '41': 'CH',
  '420': 'CZ',
  '421': 'SK',
  '43': 'AT',
  '44': 'GB',
  '45': 'DK',
  '46': 'SE',
  '47': 'NO',
  '48': 'PL',
  '49': 'DE',
  '356': 'MT',
  '357': 'CY',
};

export interface Device {
  phoneNumber?: string;
  networkAccessIdentifier?: string;
  ipv4Address?: { publicAddress: string; privateAddress?: string; publicPort?: number };
  ipv6Address?: string;
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The identifier used and the user area it maps to (404 IDENTIFIER_NOT_FOUND when none does). */
export function areaOfDevice(device: Device, areas: UserArea[]): { area: UserArea; used: Device } {
  const tries: Array<[Device, () => UserArea | undefined]> = [];
  if (device.ipv4Address)
    tries.push([{ ipv4Address: device.ipv4Address }, () => areaOfAddress(areas, device.ipv4Address!.publicAddress)]);
  if (device.ipv6Address)
    tries.push([{ ipv6Address: device.ipv6Address }, () => areaOfAddress(areas, device.ipv6Address!)]);
  if (device.phoneNumber) {
    const n = device.phoneNumber;
    tries.push([
      { phoneNumber: n },
      () => {
        let best: { area: UserArea; len: number } | undefined;
        for (const a of areas)
          for (const p of list(a.metadata.annotations?.[ANNOTATION_PHONE_PREFIXES]))
            if (n.startsWith(p) && (!best || p.length > best.len)) best = { area: a, len: p.length };
        if (best) return best.area;
        const code = Object.keys(CALLING_CODES)
          .filter((c) => n.startsWith(`+${c}`))
          .sort((a, b) => b.length - a.length)[0];
        const country = code ? CALLING_CODES[code] : undefined;
        return areas
          .filter((a) => a.spec.location.country === country)
          .sort(
            (a, b) =>
              (b.spec.population ?? 0) - (a.spec.population ?? 0) || a.metadata.name.localeCompare(b.metadata.name),
          )[0];
      },
    ]);
  }
  if (device.networkAccessIdentifier) {
    const domain = device.networkAccessIdentifier.split('@').pop()!.toLowerCase();
    tries.push([
      { networkAccessIdentifier: device.networkAccessIdentifier },
      () => areas.find((a) => list(a.metadata.annotations?.[ANNOTATION_NAI_DOMAINS]).includes(domain)),
    ]);
  }
  for (const [used, find] of tries) {
    const area = find();
    if (area) return { area, used };
  }
  throw new ApiError('IdentifierNotFound', 'the device cannot be located in any user area', [
    { field: 'body.device', message: 'no user area maps this identifier' },
  ]);
}

/** Edge sites a device may be served from, nearest first by the modelled RTT placement uses. */
export function rankZones(area: UserArea, sites: Site[]): Array<{ site: Site; rttMs: number }> {
  return sites
    .filter((s) => s.spec.category !== 'cloud' && !s.spec.unschedulable && zoneStatus(s) !== 'inactive')
    .map((site) => ({
      site,
      rttMs: modelledLatency(
        { name: area.metadata.name, ...area.spec.location } as never,
        { name: site.metadata.name, category: site.spec.category, ...site.spec.location } as never,
      ),
    }))
    .sort((a, b) => a.rttMs - b.rttMs || a.site.metadata.name.localeCompare(b.site.metadata.name));
}

function deviceOf(body: { device?: Device }): Device {
  if (!body.device)
    throw new ApiError('MissingIdentifier', 'the device must be identified (no 3-legged token context here)', [
      { field: 'body.device', message: 'required with a 2-legged token' },
    ]);
  const ip = body.device.ipv4Address;
  if (ip && (isIP(ip.publicAddress) !== 4 || (ip.privateAddress && isIP(ip.privateAddress) !== 4)))
    throw new ApiError('BadRequest', 'ipv4Address is not an IPv4 address', [
      { field: 'body.device.ipv4Address', message: 'invalid' },
    ]);
  if (body.device.ipv6Address && isIP(body.device.ipv6Address) !== 6)
    throw new ApiError('BadRequest', 'ipv6Address is not an IPv6 address', [
      { field: 'body.device.ipv6Address', message: 'invalid' },
    ]);
  return body.device;
}

/** Only when several identifiers were sent does the answer name the one used. */
const deviceEcho = (sent: Device, used: Device): { device?: Device } =>
  Object.keys(sent).length > 1 ? { device: used } : {};

async function locate(deps: CamaraDeps, body: { device?: Device }) {
  const device = deviceOf(body);
  const areas = (await deps.store.list(UserAreaKind)).items as UserArea[];
  const { area, used } = areaOfDevice(device, areas);
  return { area, echo: deviceEcho(device, used), sites: await allSites(deps) };
}

export function discoveryRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  const config = { access: { kind: 'handler' as const } };
  app.post(
    `${SED_BASE}/retrieve-closest-edge-cloud-zone`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      await allow(deps, req, 'list', SiteKind, undefined);
      const body = checkBody<{ device?: Device }>(
        { type: 'object', additionalProperties: false, properties: { device: DEVICE } },
        req.body ?? {},
      );
      const { area, echo, sites } = await locate(deps, body);
      const best = rankZones(area, sites)[0];
      if (!best)
        throw new ApiError('ServiceNotApplicable', 'no edge cloud zone can serve this device', [
          { field: 'body.device', message: 'no edge zone available' },
        ]);
      const z = toZone(best.site);
      return answer(req, reply, 200, {
        edgeCloudZoneId: z.edgeCloudZoneId,
        edgeCloudZoneName: z.edgeCloudZoneName,
        edgeCloudProvider: z.edgeCloudProvider,
        ...echo,
      });
    }),
  );
  app.get(
    `${OED_BASE}/regions`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      await allow(deps, req, 'list', SiteKind, undefined);
      const regions = [
        ...new Set((await allSites(deps)).map((s) => s.spec.location.city).filter((c): c is string => !!c)),
      ];
      return answer(req, reply, 200, regions.sort());
    }),
  );
  app.post(
    `${OED_BASE}/retrieve-optimal-edge-cloud-zones`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      await allow(deps, req, 'list', SiteKind, undefined);
      const body = checkBody<{ device?: Device; applicationProfileId: string; edgeCloudRegion?: string }>(
        {
          type: 'object',
          additionalProperties: false,
          required: ['applicationProfileId'],
          properties: {
            device: DEVICE,
            applicationProfileId: { type: 'string' },
            edgeCloudRegion: { type: 'string', maxLength: 64 },
          },
        },
        req.body ?? {},
      );
      checkId(body.applicationProfileId, 'body.applicationProfileId');
      const ns = tenantOf(req);
      const { area, echo, sites } = await locate(deps, body);
      // The application profile is a CAMARA app of the caller's tenant: optimal zones are where it runs.
      await allow(deps, req, 'list', DeploymentKind, ns);
      const zones = new Set(
        (await instancesOf(deps, ns, body.applicationProfileId)).map((d) => d.metadata.labels![LABEL_ZONE]),
      );
      if (!zones.size)
        throw new ApiError('NotFound', `no instances of application profile ${body.applicationProfileId}`, [
          { field: 'body.applicationProfileId', message: 'no instance of this app in any zone' },
        ]);
      const ranked = rankZones(area, sites)
        .map((r) => toZone(r.site))
        .filter((z) => zones.has(z.edgeCloudZoneId))
        .filter((z) => body.edgeCloudRegion === undefined || z.edgeCloudRegion === body.edgeCloudRegion);
      if (!ranked.length)
        throw new ApiError('ServiceNotApplicable', 'no zone of this application serves the device', [
          { field: 'body.device', message: 'no matching zone' },
        ]);
      return answer(req, reply, 200, {
        edgeCloudZones: ranked.map((z) => ({
          edgeCloudZoneId: z.edgeCloudZoneId,
          edgeCloudZoneName: z.edgeCloudZoneName,
          edgeCloudProvider: z.edgeCloudProvider,
          ...(z.edgeCloudRegion ? { edgeCloudRegion: z.edgeCloudRegion } : {}),
          status: z.edgeCloudZoneStatus,
        })),
        applicationProfileId: body.applicationProfileId,
        ...echo,
      });
    }),
  );
}
