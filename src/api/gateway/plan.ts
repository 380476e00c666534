// What a gateway request asks for: path parsing, authorization, the caller's area and the ranked endpoints.
import { ApiError, DeploymentKind, NAME_PATTERN, SiteKind, UserAreaKind } from '../../model/index.js';
import type { Deployment, Site, UserArea } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller, Security } from '../../security/port.js';
import { areaOfAddress, rankCandidates, type Candidate } from './routing.js';

export const GATEWAY_PREFIX = '/gw';
/** Explicit user area of the caller (for tests and clients that know where their users are). */
export const AREA_HEADER = 'x-continuum-area';
const NAME = new RegExp(NAME_PATTERN);

/** A gateway URL taken apart; `rest` and `query` are raw (still percent-encoded). */
export interface GatewayPath {
  namespace: string;
  deployment: string;
  component?: string;
  /** '' or starting with '/'. */
  rest: string;
  /** '' or starting with '?'. */
  query: string;
  /** `/gw/<ns>/<dep>[/~component]`. */
  prefix: string;
}

/** Splits a raw request URL `/gw/<ns>/<dep>[/~component][/rest][?query]`; 404 for names that cannot exist. */
export function parseGatewayPath(rawUrl: string): GatewayPath {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  const m = /^\/gw\/([^/]*)\/([^/]*)(\/.*)?$/.exec(path);
  if (!m)
    throw new ApiError('NotFound', 'a gateway path is /gw/<namespace>/<deployment>/...', [
      { field: 'path', message: 'not a gateway path' },
    ]);
  const [, namespace, deployment] = m;
  for (const [f, v] of [
    ['namespace', namespace],
    ['deployment', deployment],
  ] as const)
    if (!NAME.test(v))
      throw new ApiError('NotFound', `invalid ${f} ${JSON.stringify(v.slice(0, 64))} in path`, [
        { field: `path.${f}`, message: 'not a valid name' },
      ]);
  let rest = m[3] ?? '';
  let prefix = `${GATEWAY_PREFIX}/${namespace}/${deployment}`;
  let component: string | undefined;
  const c = /^\/~([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\/.*)?$/.exec(rest);
  if (c) {
    component = c[1];
    rest = c[3] ?? '';
    prefix += `/~${component}`;
  }
  return { namespace, deployment, ...(component ? { component } : {}), rest, query, prefix };
}

/** Reads deployments, sites and areas for the gateway; areas are cached briefly (they change rarely). */
export class GatewayPlanner {
  private areas: { at: number; items: UserArea[] } | undefined;
  private turn = 0;

  constructor(
    private readonly store: Store,
    private readonly security: Security,
    private readonly areaCacheMs = 2_000,
  ) {}

  /** The Deployment, if the caller may `get` it (403 otherwise, 404 when it does not exist). */
  async deployment(caller: Caller, p: GatewayPath): Promise<Deployment> {
    const dep = await this.store.get(DeploymentKind, p.namespace, p.deployment);
    await this.security.authorize(caller, {
      verb: 'get',
      kind: DeploymentKind,
      namespace: p.namespace,
      name: p.deployment,
      ...(dep ? { object: dep } : {}),
    });
    if (!dep)
      throw new ApiError(
        'NotFound',
        `Deployment ${JSON.stringify(p.deployment)} not found in namespace ${p.namespace}`,
        [{ field: 'path.deployment', message: 'not found' }],
      );
    return dep;
  }

  async fresh(p: GatewayPath): Promise<Deployment | undefined> {
    return this.store.get(DeploymentKind, p.namespace, p.deployment);
  }

  private async allAreas(): Promise<UserArea[]> {
    const now = Date.now();
    if (!this.areas || now - this.areas.at > this.areaCacheMs)
      this.areas = { at: now, items: (await this.store.list(UserAreaKind)).items };
    return this.areas.items;
  }

  /** The caller's user area: the X-Continuum-Area header when given (400 if unknown), else by client address. */
  async callerArea(ip: string, header: string | string[] | undefined): Promise<UserArea | undefined> {
    if (header !== undefined) {
      const name = Array.isArray(header) ? header[0] : header;
      const area = NAME.test(name ?? '') ? await this.store.get(UserAreaKind, undefined, name!) : undefined;
      if (!area)
        throw new ApiError('BadRequest', `unknown user area ${JSON.stringify(String(name).slice(0, 64))}`, [
          { field: `header.${AREA_HEADER}`, message: 'no UserArea of that name' },
        ]);
      return area;
    }
    return areaOfAddress(await this.allAreas(), ip);
  }

  /**
   * The endpoints that may serve this request, best first (see rankCandidates): of the component named in the
   * path, else of the deployment's first exposed component; only on Ready sites and their registered addresses.
   */
  async candidates(dep: Deployment, p: GatewayPath, area: UserArea | undefined): Promise<Candidate[]> {
    const eps = dep.status?.endpoints ?? [];
    const component = p.component ?? eps[0]?.component;
    const known = new Set([...(dep.status?.components ?? []).map((c) => c.name), ...eps.map((e) => e.component)]);
    if (p.component && !known.has(p.component))
      throw new ApiError('NotFound', `deployment ${p.namespace}/${p.deployment} has no component ${p.component}`, [
        { field: 'path.component', message: 'no such component' },
      ]);
    const mine = eps.filter((e) => e.component === component);
    const sites = new Map<string, Site | undefined>();
    for (const e of mine)
      if (e.site && !sites.has(e.site)) sites.set(e.site, await this.store.get(SiteKind, undefined, e.site));
    return rankCandidates(mine, sites, area, this.turn++);
  }
}
