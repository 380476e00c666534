// Who may reach each HTTP route: one access rule per registered route, enforced by the server before any handler runs.
import type { FastifyRequest } from 'fastify';
import { ApiError, SiteKind } from '../model/index.js';
import type { Caller, Security } from '../security/port.js';

/**
 * The access rule of a route. Invariant: every route the server registers has exactly one rule
 * (from this table or from the route's `config.access`); a route without one answers 403, and
 * `rbac-http.test.ts` fails until the route has a rule and an expectation.
 */
export type RouteAccess =
  /** No authentication at all (health, readiness, version). */
  | { kind: 'public' }
  /** Not authenticated by the server: the handler accepts only a single-use bootstrap token. */
  | { kind: 'bootstrap' }
  /** Authenticated; the native handler authorizes every request against the RBAC table. */
  | { kind: 'resource' }
  /** Authenticated and holding a non-resource permission (`audit:read`, `whoami`, `openapi:read`, ...). */
  | { kind: 'permission'; permission: string }
  /** An agent credential bound to the site named by path parameter `param`, or a caller that may write that Site's status. */
  | { kind: 'agent-of-site'; param: string }
  /** Any agent credential, or a caller that may write the status of every Site. */
  | { kind: 'agent' }
  /** Authenticated; the handler authorizes against the object it loads (documented at the route). */
  | { kind: 'handler' }
  /** Not authenticated by the server: federation partners carry EWBI OAuth2 tokens checked by src/federation. */
  | { kind: 'partner' };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides ROUTE_ACCESS for this route (plugins may declare their rule here). */
    access?: RouteAccess;
  }
}

/** Access rules keyed by "METHOD url-pattern" as registered with fastify (HEAD follows GET). */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /version': { kind: 'public' },
  'GET /openapi.json': { kind: 'permission', permission: 'openapi:read' },
  'GET /api': { kind: 'resource' },
  'GET /openapi/v2': { kind: 'permission', permission: 'openapi:read' },
  'GET /openapi/v3': { kind: 'permission', permission: 'openapi:read' },
  'GET /openapi/v3/apis/:group/:version': { kind: 'permission', permission: 'openapi:read' },
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].flatMap((m) => [
      [`${m} /apis`, { kind: 'resource' }],
      [`${m} /apis/*`, { kind: 'resource' }],
    ]),
  ),
  // Security routes (security-routes.ts).
  'GET /auth/v1/whoami': { kind: 'permission', permission: 'whoami' },
  'POST /auth/v1/tokens': { kind: 'handler' },
  'POST /auth/v1/tokens/:id/revoke': { kind: 'handler' },
  'POST /auth/v1/signing-keys/rotate': { kind: 'handler' },
  'GET /auth/v1/audit/keys': { kind: 'public' },
  'GET /audit/v1/verify': { kind: 'permission', permission: 'audit:read' },
  'GET /audit/v1/export': { kind: 'permission', permission: 'audit:read' },
  'POST /secrets/v1/rotate-key': { kind: 'handler' },
  // Agent routes (agent-routes.ts and the log tunnel of src/agent/tunnel).
  'POST /agent/v1/bootstrap': { kind: 'bootstrap' },
  'GET /agent/v1/workloads/:namespace/:name/env': { kind: 'handler' },
  'GET /agent/v1/peers': { kind: 'agent' },
  'GET /agent/v1/sites/:site/tunnel': { kind: 'agent-of-site', param: 'site' },
  'POST /agent/v1/tunnel/:id': { kind: 'agent' },
  // Application gateway (gateway.ts): the handler authorizes `get` on the Deployment.
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].flatMap((m) => [
      [`${m} /gw/:namespace/:deployment`, { kind: 'handler' }],
      [`${m} /gw/:namespace/:deployment/*`, { kind: 'handler' }],
    ]),
  ),
};

/** The rule for a registered route (config first, then the table); undefined when it has none. */
export function accessRule(method: string, url: string, config?: { access?: RouteAccess }): RouteAccess | undefined {
  if (config?.access) return config.access;
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** The rule of the route a request matched; undefined for unmatched requests (404) and routes without a rule. */
export function accessOf(req: FastifyRequest): RouteAccess | undefined {
  const url = req.routeOptions?.url;
  if (!url || req.is404) return undefined;
  return accessRule(req.method, url, req.routeOptions.config as { access?: RouteAccess } | undefined);
}

/** Throws Forbidden unless `caller` passes `rule` (rules that need no authentication pass). */
export async function checkAccess(
  security: Security,
  caller: Caller,
  rule: RouteAccess,
  params: Record<string, string>,
): Promise<void> {
  switch (rule.kind) {
    case 'public':
    case 'partner':
    case 'bootstrap':
    case 'resource':
    case 'handler':
      return;
    case 'permission':
      return security.authorizeNonResource(caller, rule.permission);
    case 'agent-of-site': {
      const site = params[rule.param] ?? '';
      if (caller.kind === 'agent') {
        if (caller.site !== site)
          throw new ApiError(
            'Forbidden',
            `this agent credential is bound to site ${caller.site ?? '(none)'}, not ${site}`,
          );
        return;
      }
      return security.authorize(caller, {
        verb: 'update',
        kind: SiteKind,
        name: site,
        subresource: 'status',
        object: { metadata: { name: site } },
      });
    }
    case 'agent':
      if (caller.kind === 'agent') return;
      return security.authorize(caller, { verb: 'update', kind: SiteKind, subresource: 'status' });
  }
}
