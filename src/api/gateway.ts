// The application gateway: one stable address per deployment that forwards to a serving workload.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, DeploymentKind, NAME_PATTERN, type Deployment } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Security } from '../security/port.js';

export const GATEWAY_PREFIX = '/gw';
const NAME = new RegExp(NAME_PATTERN);
/** Hop-by-hop headers are never forwarded (RFC 9110 §7.6.1), nor the caller's credential. */
const DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'content-length',
]);

interface Target {
  url: string;
  workload?: string;
}

/** Serving endpoints of a deployment, optionally of one component; ready ones first in status order. */
export function gatewayTargets(dep: Deployment, component?: string): Target[] {
  const eps = dep.status?.endpoints ?? [];
  return eps
    .filter((e) => (component ? e.component === component : true) && /^https?:\/\//.test(e.url))
    .map((e) => ({ url: e.url, workload: `${e.component}@${e.site ?? ''}` }));
}

function forward(
  req: FastifyRequest,
  target: string,
  path: string,
  body: Readable | undefined,
): Promise<IncomingMessage> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP.has(k)) headers[k] = v;
  headers['x-forwarded-for'] = req.ip;
  headers['x-request-id'] = String(req.id);
  return new Promise((resolve, reject) => {
    const up = httpRequest(new URL(path, target), { method: req.method, headers, timeout: 30_000 }, resolve);
    up.on('error', reject);
    up.on('timeout', () => up.destroy(new Error('upstream timed out')));
    if (body) body.pipe(up);
    else up.end();
  });
}

/**
 * Mounts `ANY /gw/{namespace}/{deployment}/*`: callers that may read the Deployment reach its exposed
 * component (the first exposed one; `/gw/ns/dep/~component/...` picks another). The address survives
 * failovers and rolling updates because the target is read from the Deployment's current endpoints on
 * every request; a bodiless request that cannot connect is retried on fresh endpoints. Targets are the URLs agents report, so only routable workload addresses work.
 */
export function gatewayRoutes(app: FastifyInstance, deps: { store: Store; security: Security }): void {
  void app.register(async (scope) => {
    // Bodies are streamed to the workload untouched, whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    const handler = async (
      req: FastifyRequest<{ Params: { namespace: string; deployment: string; '*'?: string } }>,
      reply: FastifyReply,
    ): Promise<unknown> => {
      const { namespace, deployment } = req.params;
      for (const [f, v] of [
        ['namespace', namespace],
        ['deployment', deployment],
      ] as const) {
        if (!NAME.test(v))
          throw new ApiError('NotFound', `invalid ${f} ${JSON.stringify(v)} in path`, [
            { field: `path.${f}`, message: 'not a valid name' },
          ]);
      }
      const kind = DeploymentKind;
      req.continuum!.attrs = { verb: 'get', kind, namespace, name: deployment };
      req.continuum!.action = 'gateway';
      const dep = await deps.store.get(kind, namespace, deployment);
      await deps.security.authorize(req.continuum!.caller!, {
        verb: 'get',
        kind,
        namespace,
        name: deployment,
        ...(dep ? { object: dep } : {}),
      });
      if (!dep)
        throw new ApiError('NotFound', `Deployment ${JSON.stringify(deployment)} not found in namespace ${namespace}`, [
          { field: 'path.deployment', message: 'not found' },
        ]);
      let rest = req.params['*'] ?? '';
      let component: string | undefined;
      const m = /^~([a-z0-9-]+)(\/.*)?$/.exec(rest);
      if (m) {
        component = m[1];
        rest = (m[2] ?? '/').slice(1);
      }
      let targets = gatewayTargets(dep, component);
      if (!targets.length)
        throw new ApiError(
          'Unavailable',
          `deployment ${namespace}/${deployment} has no serving endpoint${component ? ` for component ${component}` : ''} (phase ${dep.status?.phase ?? 'Pending'})`,
          [{ field: 'path.deployment', message: 'no serving endpoint' }],
          { 'retry-after': '1' },
        );
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const body = req.body as Readable | undefined;
      const hasBody =
        !!body && typeof (body as Readable).pipe === 'function' && req.method !== 'GET' && req.method !== 'HEAD';
      let upstream: IncomingMessage | undefined;
      let lastError: unknown;
      // A bodiless request that cannot connect (the workload just moved) is retried on the deployment's
      // fresh endpoints; a request with a body is sent once.
      for (let attempt = 0; attempt < (hasBody ? 1 : 3) && !upstream; attempt++) {
        if (attempt > 0) {
          await new Promise((r) => setTimeout(r, 100 * attempt));
          const fresh = await deps.store.get(kind, namespace, deployment);
          targets = fresh ? gatewayTargets(fresh, component) : [];
        }
        const t = targets[attempt === 0 ? 0 : attempt % Math.max(1, targets.length)] ?? targets[0];
        if (!t) continue;
        try {
          upstream = await forward(req, t.url, `/${rest}${query}`, hasBody ? body : undefined);
          void reply.header('x-continuum-target', t.workload ?? '');
        } catch (e) {
          lastError = e;
        }
      }
      if (!upstream)
        throw new ApiError(
          'Unavailable',
          `cannot reach deployment ${namespace}/${deployment}: ${(lastError as Error)?.message ?? 'no target'}`,
          [{ field: 'path.deployment', message: 'upstream unreachable' }],
          { 'retry-after': '1' },
        );
      for (const [k, v] of Object.entries(upstream.headers))
        if (v !== undefined && !DROP.has(k)) void reply.header(k, v);
      return reply.code(upstream.statusCode ?? 502).send(upstream);
    };
    for (const url of [`${GATEWAY_PREFIX}/:namespace/:deployment`, `${GATEWAY_PREFIX}/:namespace/:deployment/*`]) {
      scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url, handler });
    }
  });
}
