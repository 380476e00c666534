// Builds the HTTP server: content handling, authentication, route access, audit, problem rendering and all routes.
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { ApiError, toProblem } from '../model/index.js';
import type { Store } from '../store/index.js';
import { agentRoutes } from './agent-routes.js';
import { AddressGuard, type AddressLimitOptions, type RefusalSummary } from './limits/index.js';
import { gatewayRoutes } from './gateway/index.js';
import type { QuotaTracker } from './quota/index.js';
import { camaraRoutes } from './camara/index.js';
import { registerContentParsers, send } from './content.js';
import { nativeHandler, type LogSource } from './native/handlers.js';
import { openApiDocument } from './openapi.js';
import { apiVersions, versionInfo } from './kube/discovery.js';
import { reviewRoutes } from './kube/reviews.js';
import { groupVersionDocument, openApiV3Index } from './kube/openapi-v3.js';
import { swaggerDocument } from './kube/openapi-v2.js';
import { OPENAPI_V2_PROTOBUF, swaggerProtobuf } from './kube/openapi-v2-proto.js';
import { placementPreviewRoutes } from './placement-preview.js';
import { sendProblem, toApiError } from './problem.js';
import { accessOf, accessRule, checkAccess, type RouteAccess } from './route-access.js';
import { securityRoutes } from './security-routes.js';
import { readinessRoute, type ReadinessCheck } from './readiness.js';
import { metricsRoutes } from './metrics.js';
import { metrics, secondsSince } from '../lib/metrics/index.js';
import type { Caller, Security } from '../security/port.js';
import { tooManyRequests } from '../security/ratelimit.js';

export interface ApiServerOptions {
  store: Store;
  security: Security;
  logs?: LogSource;
  version: string;
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** A pino instance for request logs (takes precedence over `logger`): the process' one structured logger. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  https?: { key: string | Buffer; cert: string | Buffer; minVersion?: 'TLSv1.2' | 'TLSv1.3' } | null;
  /** Extra readiness check (e.g. controllers started); shown as "controllers" by /readyz. */
  ready?: () => Promise<string | undefined>;
  /** More readiness checks by name. */
  readiness?: Record<string, ReadinessCheck>;
  /** /readyz fails when the file system holding this directory has less than `minFreeBytes` free. */
  dataDir?: string;
  /** Free-space threshold for `dataDir` (default 64 MiB). */
  minFreeBytes?: number;
  /** Replica identity and controller role, shown by /version. */
  identity?: () => Record<string, string>;
  /** Per-client-address limits on unauthenticated, failed and bootstrap requests, and refusal audit windows. */
  limits?: AddressLimitOptions;
  /** ApiQuota enforcement: counts each tenant's open watches and concurrent connections. */
  quota?: QuotaTracker;
  /** Lets other modules (agent tunnel, CAMARA, console) add routes before the server starts. */
  plugins?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

/** A route as registered (one entry per method), with the access rule it got. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access?: RouteAccess;
}

const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();
/** Every route registered on a server made by createApiServer (for the access-matrix test). */
export const registeredRoutes = (app: FastifyInstance): RegisteredRoute[] => [...(ROUTES.get(app) ?? [])];

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function createApiServer(opts: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? false }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
    // Request ids are ours: a client's X-Request-Id is kept beside it (clientRequestId), never used as it.
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: true },
    // Errors raised before routing (malformed URL, bad content type) are problem+json like every other.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) =>
      sendProblem(req, reply, toApiError(err, req)),
    // Errors of the HTTP parser (431 oversized headers, malformed requests) never reach fastify: answer them here.
    clientErrorHandler: clientError,
    forceCloseConnections: true,
  } as FastifyServerOptions) as unknown as FastifyInstance;
  registerContentParsers(app);
  const { store, security } = opts;
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, access: accessRule(method, r.url, r.config as { access?: RouteAccess }) });
  });

  app.setErrorHandler((err, req, reply) => {
    const e = withChallenge(toApiError(err, req));
    req.continuum = { ...req.continuum, error: e };
    return sendProblem(req, reply, e);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      req,
      reply,
      new ApiError('NotFound', `no route for ${req.method} ${req.url.split('?')[0]}`, [
        { field: 'path', message: 'no such route' },
      ]),
    ),
  );

  // Refusals (429) are audited once per window and key, the rest as one summary record per window.
  const guard = new AddressGuard(opts.limits);
  const summarize = (sum: RefusalSummary): Promise<void> =>
    Promise.resolve(
      security.audit({
        requestId: randomUUID(),
        subject: sum.key.startsWith('subject ') ? sum.key.slice(8) : 'anonymous',
        verb: 'refused',
        outcome: 'denied',
        status: 429,
        code: 'TooManyRequests',
        reason: `${sum.count} more requests of ${sum.key} refused (429) from ${sum.from} to ${sum.to}`,
        ...(sum.key.startsWith('address ') ? { ip: sum.key.slice(8) } : {}),
        count: sum.count,
      }),
    ).then(
      () => undefined,
      (e: unknown) => app.log.error({ err: e }, 'audit summary append failed'),
    );
  const sweep = setInterval(() => void Promise.all(guard.drain().map(summarize)), Math.min(guard.windowMs, 60_000));
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await Promise.all(guard.drain(true).map(summarize));
  });
  const addressLimited = (req: FastifyRequest, r: { retryAfterSeconds: number }, what: string): ApiError => {
    req.continuum = { ...req.continuum, refusedKey: `address ${req.ip}` };
    return tooManyRequests(r, what);
  };

  // Address limits → authentication → rate limit → route access. Unmatched paths authenticate too (no route probing).
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
    req.continuum = {};
    const clientId = req.headers['x-request-id'];
    if (typeof clientId === 'string' && REQUEST_ID.test(clientId)) {
      req.continuum.clientRequestId = clientId;
      void reply.header('x-client-request-id', clientId);
    }
    const rule = accessOf(req);
    if (rule?.kind === 'public' || rule?.kind === 'partner') return;
    if (rule?.kind === 'bootstrap') {
      const r = guard.bootstrap(req.ip);
      if (!r.ok) throw addressLimited(req, r, 'bootstrap rate limit of this client address');
      return;
    }
    let caller: Caller;
    try {
      caller = await security.authenticate(req.headers);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        req.continuum.failureCharged = true;
        const r = guard.failure(req.ip);
        if (!r.ok) throw addressLimited(req, r, 'limit on failed authentications from this client address');
      }
      throw e;
    }
    req.continuum.caller = caller;
    try {
      security.rateLimit(caller);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) req.continuum.refusedKey = `subject ${caller.subject}`;
      throw e;
    }
    if (opts.quota) {
      // Every request of a tenant's caller is one of its concurrent connections until the response closes.
      let release: () => void;
      try {
        release = opts.quota.acquire('connections', caller.tenants);
      } catch (e) {
        req.continuum.refusedKey = `subject ${caller.subject}`;
        throw e;
      }
      reply.raw.once('close', release);
    }
    if (req.is404) return;
    if (!rule)
      throw new ApiError(
        'Forbidden',
        `route ${req.method} ${req.routeOptions.url} has no access rule (src/api/route-access.ts)`,
      );
    await checkAccess(security, caller, rule, (req.params ?? {}) as Record<string, string>);
  });

  // Failed answers not charged above (403s, handlers' 401s) cost the address; repeated refusals are aggregated.
  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = req.continuum;
    if (!ctx) return payload;
    const status = reply.statusCode;
    if ((status === 401 || status === 403) && !ctx.failureCharged) {
      ctx.failureCharged = true;
      guard.failure(req.ip);
    }
    if (status === 429 && ctx.refusedKey) {
      const n = guard.refusal(ctx.refusedKey);
      if (n.ended) await summarize(n.ended);
      if (!n.audit) ctx.audited = true;
    }
    return payload;
  });

  // The audit record of a mutating request, and of every 401/403/429, is durable before the answer leaves.
  app.addHook('onSend', async (req, reply, payload) => {
    const entry = auditEntryFor(req, reply);
    if (!entry) return payload;
    try {
      const started = performance.now();
      await security.audit(entry, req.continuum?.caller);
      metrics.auditWriteDuration.observe(secondsSince(started));
      return payload;
    } catch (e) {
      req.log.error({ err: e, requestId: req.id }, 'audit append failed');
      const err = new ApiError(
        'Unavailable',
        'the request was processed but its audit record could not be written; further writes are refused',
      );
      void reply.code(err.status).type('application/problem+json');
      return JSON.stringify(toProblem(err, String(req.id), req.url.split('?')[0]));
    }
  });

  app.get('/healthz', async (req, reply) => send(req, reply, 200, { status: 'ok' }));
  readinessRoute(app, {
    store,
    security,
    dataDir: opts.dataDir,
    minFreeBytes: opts.minFreeBytes,
    checks: { ...(opts.ready ? { controllers: opts.ready } : {}), ...opts.readiness },
  });
  app.get('/version', async (req, reply) =>
    send(
      req,
      reply,
      200,
      versionInfo(opts.version, {
        version: opts.version,
        engine: store.backend.engine,
        node: process.version,
        ...opts.identity?.(),
      }),
    ),
  );
  app.get('/api', async (req, reply) => {
    await security.authorizeNonResource(req.continuum!.caller!, 'discovery:read');
    return send(req, reply, 200, apiVersions());
  });
  app.get('/openapi.json', async (req, reply) => send(req, reply, 200, openApiDocument(opts.version)));
  app.get('/openapi/v2', async (req, reply) => {
    const doc = swaggerDocument(openApiDocument(opts.version));
    // client-go (kubectl) asks for gnostic's protobuf encoding; everyone else gets JSON (or YAML).
    if (String(req.headers.accept ?? '').includes('proto-openapi.spec.v2'))
      // (As a stream: fastify's media-type parser rejects the '@' in this type and would relabel a Buffer.)
      return reply
        .code(200)
        .header('content-type', OPENAPI_V2_PROTOBUF)
        .send(Readable.from([swaggerProtobuf(doc)]));
    return send(req, reply, 200, doc);
  });
  app.get('/openapi/v3', async (req, reply) => send(req, reply, 200, openApiV3Index(openApiDocument(opts.version))));
  app.get('/openapi/v3/apis/:group/:version', async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    const doc = groupVersionDocument(openApiDocument(opts.version), group, version);
    if (!doc)
      throw new ApiError('NotFound', `no API group-version ${group}/${version}`, [
        { field: 'path', message: 'unknown' },
      ]);
    return send(req, reply, 200, doc);
  });

  reviewRoutes(app, { security });
  const handle = nativeHandler({ store, security, logs: opts.logs, quota: opts.quota });
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/apis', handler: handle });
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/apis/*', handler: handle });
  securityRoutes(app, { security });
  agentRoutes(app, { store, security });
  gatewayRoutes(app, { store, security });
  placementPreviewRoutes(app, { store, security });
  metricsRoutes(app, { store });
  camaraRoutes(app, { store, security });
  for (const p of opts.plugins ?? []) await p(app);
  return app;
}

/** A problem+json answer written straight to the socket, for errors of the HTTP parser (no request object yet). */
function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('HeaderFieldsTooLarge', 'request header fields too large', [
          { field: '(headers)', message: 'too large' },
        ])
      : new ApiError('BadRequest', 'malformed HTTP request', [{ field: '(request)', message: 'cannot be parsed' }]);
  const body = JSON.stringify(toProblem(e, randomUUID(), ''));
  socket.end(
    `HTTP/1.1 ${e.status} ${e.code === 'HeaderFieldsTooLarge' ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** 401s tell the client how to authenticate (RFC 6750), whatever Security implementation raised them. */
function withChallenge(err: ApiError): ApiError {
  if (err.status !== 401 || Object.keys(err.headers).some((h) => h.toLowerCase() === 'www-authenticate')) return err;
  const error = err.code === 'Unauthorized' ? '' : ', error="invalid_token"';
  return new ApiError(err.code, err.message, err.errors, {
    ...err.headers,
    'WWW-Authenticate': `Bearer realm="continuum"${error}`,
  });
}

/** The audit entry for a finished request, or undefined when the request is not audited. */
function auditEntryFor(req: FastifyRequest, reply: FastifyReply): Parameters<Security['audit']>[0] | undefined {
  const ctx = req.continuum;
  const status = reply.statusCode;
  const failed = status === 401 || status === 403 || status === 429;
  if (ctx?.audited) return undefined;
  if (!failed && !ctx?.auditRead && READ_METHODS.has(req.method)) return undefined;
  const rule = accessOf(req);
  if (rule?.kind === 'public') return undefined;
  const a = ctx?.attrs;
  const problem = status >= 400 ? ctx?.error : undefined;
  return {
    requestId: String(req.id),
    ...(ctx?.clientRequestId ? { clientRequestId: ctx.clientRequestId } : {}),
    subject: ctx?.caller?.subject ?? 'anonymous',
    verb: ctx?.action ?? (a ? `${a.verb}${a.subresource ? `/${a.subresource}` : ''}` : req.method.toLowerCase()),
    resource: a ? { kind: a.kind.kind, namespace: a.namespace, name: a.name, subresource: a.subresource } : undefined,
    outcome:
      status === 401
        ? 'unauthenticated'
        : status === 403 || status === 429
          ? 'denied'
          : status < 400
            ? 'allowed'
            : 'error',
    status,
    ...(problem ? { code: problem.code } : {}),
    ...(problem && failed ? { reason: problem.message } : {}),
    path: req.url.split('?')[0],
    ip: req.ip,
  };
}
