// Edge-cloud zones are our Sites: the CAMARA view of a Site and the paginated getEdgeCloudZones operation.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError, SiteKind, type Site } from '../../model/index.js';
import { allow, answer, baseUrl, camara, onlyQuery, UUID, type CamaraDeps } from './context.js';

export const EAM_BASE = '/edge-application-management/vwip';

export interface EdgeCloudZone {
  edgeCloudZoneId: string;
  edgeCloudZoneName: string;
  edgeCloudZoneStatus: 'active' | 'inactive' | 'unknown';
  edgeCloudProvider: string;
  edgeCloudRegion?: string;
  countryCode: string;
}

/** A zone id: the Site's uid when it is a UUID, else a name-based (version 5 layout) UUID derived from it. */
export function zoneIdOf(site: Site): string {
  const uid = site.metadata.uid;
  if (UUID.test(uid)) return uid;
  const h = createHash('sha1').update(`continuum-site:${uid}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A Site's zone status from its Ready condition. */
export function zoneStatus(site: Site): EdgeCloudZone['edgeCloudZoneStatus'] {
  const ready = site.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? 'active' : ready?.status === 'False' ? 'inactive' : 'unknown';
}

export function toZone(site: Site): EdgeCloudZone {
  const region = site.spec.location.city;
  return {
    edgeCloudZoneId: zoneIdOf(site),
    edgeCloudZoneName: site.metadata.name,
    edgeCloudZoneStatus: zoneStatus(site),
    edgeCloudProvider: site.spec.provider,
    ...(region ? { edgeCloudRegion: region.slice(0, 64) } : {}),
    countryCode: site.spec.location.country,
  };
}

/** Every Site (zones are cluster-scoped: listing them needs `list` on Site). */
export async function allSites(deps: CamaraDeps): Promise<Site[]> {
  return (await deps.store.list(SiteKind)).items as Site[];
}

/** The Site of a zone id, or a 404 naming `field`. */
export async function siteOfZone(deps: CamaraDeps, zoneId: string, field: string): Promise<Site> {
  const site = (await allSites(deps)).find((s) => zoneIdOf(s) === zoneId);
  if (!site)
    throw new ApiError('NotFound', `edge cloud zone ${zoneId} not found`, [{ field, message: 'no such zone' }]);
  return site;
}

const positive = (v: string | undefined, field: string, def: number, max: number): number => {
  if (v === undefined) return def;
  if (!/^[0-9]{1,10}$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new ApiError('BadRequest', `${field} must be an integer from 1 to ${max}`, [
      { field, message: 'out of range' },
    ]);
  return Number(v);
};

export function zoneRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  const access = { access: { kind: 'handler' as const } };
  app.get(
    `${EAM_BASE}/edge-cloud-zones`,
    { config: access },
    camara(async (req, reply) => {
      const q = onlyQuery(req, ['page', 'perPage', 'countryCode', 'edgeCloudProvider', 'edgeCloudRegion', 'status']);
      const page = positive(q.page, 'page', 1, 2147483647);
      const perPage = positive(q.perPage, 'perPage', 20, 100);
      if (q.countryCode !== undefined && !/^[A-Z]{2}$/.test(q.countryCode))
        throw new ApiError('BadRequest', 'countryCode must be ISO 3166-1 alpha-2', [
          { field: 'countryCode', message: 'two upper-case letters' },
        ]);
      if (q.status !== undefined && !['active', 'inactive', 'unknown'].includes(q.status))
        throw new ApiError('BadRequest', 'status must be active, inactive or unknown', [
          { field: 'status', message: 'unknown value' },
        ]);
      for (const f of ['edgeCloudProvider', 'edgeCloudRegion'] as const)
        if ((q[f]?.length ?? 0) > 64)
          throw new ApiError('BadRequest', `${f} is too long`, [{ field: f, message: 'at most 64 characters' }]);
      const caller = await allow(deps, req, 'list', SiteKind, undefined);
      // The caller sees the zones it could list natively (an agent credential, for instance, only its own site).
      const vis = await deps.security.visibility(caller, SiteKind, 'list');
      const zones = (await allSites(deps))
        .filter((s) => !vis.filter || vis.filter(s))
        .map(toZone)
        .filter(
          (z) =>
            (q.countryCode === undefined || z.countryCode === q.countryCode) &&
            (q.edgeCloudProvider === undefined || z.edgeCloudProvider === q.edgeCloudProvider) &&
            (q.edgeCloudRegion === undefined || z.edgeCloudRegion === q.edgeCloudRegion) &&
            (q.status === undefined || z.edgeCloudZoneStatus === q.status),
        )
        .sort((a, b) => a.edgeCloudZoneName.localeCompare(b.edgeCloudZoneName));
      const totalPages = Math.max(1, Math.ceil(zones.length / perPage));
      const items = zones.slice((page - 1) * perPage, page * perPage);
      const link = (p: number, rel: string): string => {
        const u = new URL(`${baseUrl(req)}${req.url}`);
        u.searchParams.set('page', String(p));
        u.searchParams.set('perPage', String(perPage));
        return `<${u.toString()}>; rel="${rel}"`;
      };
      const links = [link(1, 'first')];
      if (page > 1) links.push(link(Math.min(page - 1, totalPages), 'prev'));
      if (page < totalPages) links.push(link(page + 1, 'next'));
      links.push(link(totalPages, 'last'));
      return answer(
        req,
        reply,
        200,
        { edgeCloudZones: items, pagination: { page, perPage, totalCount: zones.length, totalPages } },
        { 'x-total-count': String(zones.length), 'x-total-pages': String(totalPages), link: links.join(', ') },
      );
    }),
  );
}
