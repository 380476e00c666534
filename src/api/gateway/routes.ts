// Mounts the application gateway: `ANY /gw/<namespace>/<deployment>/...` forwarded to the nearest ready replica.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, DeploymentKind } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Security } from '../../security/port.js';
import { GatewayAudit, type GatewayAuditOptions } from './audit.js';
import { ConnectFailed, forward, UpstreamFailed, UpstreamTimeout } from './forward.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { GATEWAY_KEYS_PATH, GatewayIdentity } from './identity.js';
import { AREA_HEADER, GATEWAY_PREFIX, GatewayPlanner, parseGatewayPath, type GatewayPath } from './plan.js';
import type { Candidate } from './routing.js';
import { upstreamTarget } from './upstream.js';
import { attachWebSocketGateway } from './websocket.js';

export interface GatewayOptions {
  store: Store;
  security: Security;
  audit?: GatewayAuditOptions;
  /** Connect timeout per endpoint in ms (default 3000). */
  connectTimeoutMs?: number;
  /** Time to the app's response headers in ms (default 30000). */
  responseTimeoutMs?: number;
}

/** Endpoint lists re-read after every candidate failed to connect (a rolling update or failover moved them). */
const REFRESHES = 4;
/** Any http origin: path checks do not depend on the endpoint's origin. */
const PATH_CHECK_ORIGIN = 'http://upstream.invalid';
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the audit hook needs from a request the gateway handled. */
const FACTS = new WeakMap<FastifyRequest, { p: GatewayPath; subject: string }>();

/**
 * Tries the candidates in order; on a connect failure (nothing sent) the next one, and when all failed, the
 * deployment's fresh endpoints after a short pause. A request that failed after it was sent is retried only when
 * it is idempotent and has no body. Throws 503/504 problems when nothing answered.
 */
export async function sendUpstream(
  first: Candidate[],
  refresh: () => Promise<Candidate[]>,
  attempt: (c: Candidate) => Promise<IncomingMessage>,
  retryAfterSend: boolean,
): Promise<{ res: IncomingMessage; via: Candidate }> {
  if (!first.length) throw unavailable('no ready replica on a Ready site serves this deployment');
  let candidates = first;
  let last: unknown;
  for (let round = 0; round <= REFRESHES; round++) {
    if (round > 0) {
      await new Promise((r) => setTimeout(r, 100 * round));
      candidates = await refresh();
    }
    for (const c of candidates) {
      try {
        return { res: await attempt(c), via: c };
      } catch (e) {
        last = e;
        if (e instanceof UpstreamTimeout) throw new ApiError('Timeout', `the application did not answer in time`);
        if (e instanceof UpstreamFailed && !retryAfterSend) throw unavailable(`the application failed: ${e.message}`);
        if (!(e instanceof ConnectFailed || e instanceof UpstreamFailed)) throw e;
      }
    }
  }
  throw unavailable(`no replica could be reached: ${(last as Error)?.message ?? 'none is ready any more'}`);
}

const unavailable = (message: string): ApiError =>
  new ApiError('Unavailable', message, [{ field: 'path.deployment', message: 'upstream unreachable' }], {
    'retry-after': '1',
  });

export function gatewayRoutes(app: FastifyInstance, o: GatewayOptions): void {
  const { store, security } = o;
  void app.register(async (scope) => {
    const identity = await GatewayIdentity.create();
    const planner = new GatewayPlanner(store, security);
    const audit = new GatewayAudit(
      (e) => security.audit(e),
      (err) => app.log.error({ err }, 'gateway audit append failed'),
      o.audit,
    );
    scope.addHook('onClose', async () => audit.flush());
    attachWebSocketGateway(app, { security, planner, identity, audit, connectTimeoutMs: o.connectTimeoutMs ?? 3_000 });

    scope.get(GATEWAY_KEYS_PATH, { config: { access: { kind: 'public' } } }, async (_req, reply) =>
      reply.header('cache-control', 'max-age=300').send(identity.jwks()),
    );

    // Bodies are streamed to the workload untouched, whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.addHook('onResponse', async (req, reply) => {
      const f = FACTS.get(req);
      if (!f) return;
      audit.record({
        requestId: String(req.id),
        subject: f.subject,
        namespace: f.p.namespace,
        deployment: f.p.deployment,
        ip: req.ip,
        method: req.method,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        ...(req.continuum?.error ? { code: req.continuum.error.code } : {}),
      });
    });

    const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const p = parseGatewayPath(req.url);
      const caller = req.continuum!.caller!;
      req.continuum!.attrs = { verb: 'get', kind: DeploymentKind, namespace: p.namespace, name: p.deployment };
      req.continuum!.action = 'gateway';
      // The gateway's own audit (sampled per window) records the request with the client address; a denial
      // (403) is left to the server's audit hook, which writes every denial durably before answering.
      req.continuum!.audited = true;
      FACTS.set(req, { p, subject: caller.subject });
      let dep;
      try {
        dep = await planner.deployment(caller, p);
      } catch (e) {
        if (e instanceof ApiError && e.status === 403) {
          req.continuum!.audited = false;
          FACTS.delete(req);
        }
        throw e;
      }
      const area = await planner.callerArea(req.ip, req.headers[AREA_HEADER]);
      // The path is refused (400) before anything is sent anywhere, whether or not a replica is ready.
      upstreamTarget(PATH_CHECK_ORIGIN, p.rest, p.query);
      const first = await planner.candidates(dep, p, area);
      const body = req.body as Readable | undefined;
      const hasBody = !!body && typeof body.pipe === 'function' && !IDEMPOTENT.has(req.method);
      const headers = upstreamRequestHeaders(req.headers, {
        clientIp: req.ip,
        proto: req.protocol,
        host: req.headers.host,
        prefix: p.prefix,
        requestId: String(req.id),
        identity: await identity.sign(caller, `${p.namespace}/${p.deployment}`, String(req.id)),
      });
      const { res, via } = await sendUpstream(
        first,
        async () => {
          const fresh = await planner.fresh(p);
          return fresh ? planner.candidates(fresh, p, area) : [];
        },
        (c) =>
          forward(upstreamTarget(c.url, p.rest, p.query), {
            method: req.method,
            headers,
            ...(hasBody ? { body } : {}),
            connectTimeoutMs: o.connectTimeoutMs ?? 3_000,
            responseTimeoutMs: o.responseTimeoutMs ?? 30_000,
          }),
        !hasBody,
      );
      void reply.headers(downstreamResponseHeaders(res.headers));
      void reply.header('x-continuum-target', `${via.component}@${via.site}`);
      if (area) void reply.header('x-continuum-area', area.metadata.name);
      return reply.code(res.statusCode ?? 502).send(res);
    };
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
    for (const url of [`${GATEWAY_PREFIX}/:namespace/:deployment`, `${GATEWAY_PREFIX}/:namespace/:deployment/*`])
      scope.route({ method: [...methods], url, handler });
  });
}
