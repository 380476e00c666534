// Builds the HTTP server: content handling, authentication, audit, problem rendering and all routes.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiError } from '../model/index.js';
import type { Store } from '../store/index.js';
import { registerContentParsers, send } from './content.js';
import { nativeHandler, type LogSource } from './native/handlers.js';
import { openApiDocument } from './openapi.js';
import { sendProblem, toApiError } from './problem.js';
import type { Security } from './security.js';

export interface ApiServerOptions {
  store: Store;
  security: Security;
  logs?: LogSource;
  version: string;
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  https?: { key: string | Buffer; cert: string | Buffer } | null;
  /** Extra readiness checks (e.g. controllers started). */
  ready?: () => Promise<string | undefined>;
  /** Replica identity and controller role, shown by /version. */
  identity?: () => Record<string, string>;
  /** Lets other modules (agent tunnel, CAMARA, console) add routes before the server starts. */
  plugins?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

/** Paths reachable without authentication. */
const PUBLIC = new Set(['/healthz', '/readyz', '/version']);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function createApiServer(opts: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: true },
    forceCloseConnections: true,
  } as FastifyServerOptions) as unknown as FastifyInstance;
  registerContentParsers(app);
  const { store, security } = opts;

  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, toApiError(err, req)));
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, new ApiError('NotFound', `no route for ${req.method} ${req.url.split('?')[0]}`, [{ field: 'path', message: 'no such route' }])));

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
    req.continuum = {};
    const path = req.url.split('?')[0];
    if (PUBLIC.has(path)) return;
    req.continuum.caller = await security.authenticate(req.headers);
    security.rateLimit(req.continuum.caller);
  });

  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (!mutating && status !== 401 && status !== 403) return;
    const path = req.url.split('?')[0];
    if (PUBLIC.has(path)) return;
    const a = req.continuum?.attrs;
    security.audit({
      requestId: String(req.id),
      subject: req.continuum?.caller?.subject ?? 'anonymous',
      verb: a?.verb ?? req.method.toLowerCase(),
      resource: a ? { kind: a.kind.kind, namespace: a.namespace, name: a.name, subresource: a.subresource } : undefined,
      outcome: status === 401 ? 'unauthenticated' : status === 403 ? 'denied' : status < 400 ? 'allowed' : 'error',
      status,
      path,
    });
  });

  app.get('/healthz', async (req, reply) => send(req, reply, 200, { status: 'ok' }));
  app.get('/readyz', async (req, reply) => {
    try {
      await store.revision();
      const notReady = await opts.ready?.();
      if (notReady) throw new ApiError('Unavailable', notReady);
    } catch (e) {
      throw e instanceof ApiError ? e : new ApiError('Unavailable', `store unavailable: ${(e as Error).message}`);
    }
    return send(req, reply, 200, { status: 'ready' });
  });
  app.get('/version', async (req, reply) => send(req, reply, 200, { version: opts.version, engine: store.backend.engine, node: process.version, ...opts.identity?.() }));
  app.get('/openapi.json', async (req, reply) => {
    await security.authorizeNonResource(req.continuum!.caller!, 'openapi:read');
    return send(req, reply, 200, openApiDocument(opts.version));
  });

  const handle = nativeHandler({ store, security, logs: opts.logs });
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/apis', handler: handle });
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/apis/*', handler: handle });
  for (const p of opts.plugins ?? []) await p(app);
  return app;
}
