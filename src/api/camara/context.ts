// Shared plumbing of the CAMARA adapters: the caller's tenant namespace, scope checks, ids, answers.
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { ApiError, type KindDef } from '../../model/index.js';
import type { Caller, Security, Verb } from '../../security/port.js';
import type { Store } from '../../store/index.js';
import { CORRELATOR, correlatorOf } from './errors.js';

export interface CamaraDeps {
  store: Store;
  security: Security;
}

/** Labels and annotations the adapters put on native objects (the CAMARA facts kept beside our own). */
export const LABEL_APP = 'camara.continuum.eu/app-id';
export const LABEL_INSTANCE = 'camara.continuum.eu/instance-id';
export const LABEL_DEPLOYMENT = 'camara.continuum.eu/deployment-id';
export const LABEL_ZONE = 'camara.continuum.eu/zone-id';
export const ANNOTATION_NAME = 'camara.continuum.eu/name';
export const ANNOTATION_MANIFEST = 'camara.continuum.eu/manifest';
export const ANNOTATION_SUBSCRIPTION = 'camara.continuum.eu/subscription';
/** Header naming the tenant when the caller's grants do not determine one. */
export const NAMESPACE_HEADER = 'x-continuum-namespace';

/** CAMARA ids: UUIDs of versions 1-5 in lower case. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Native object names derived from CAMARA ids (both directions are pure). */
export const appObjectName = (id: string): string => `camara-app-${id}`;
export const instanceObjectName = (id: string): string => `camara-inst-${id}`;

/**
 * The tenant (namespace) a CAMARA caller acts in: the one namespace of its tenant grants; otherwise the
 * `x-continuum-namespace` header (cluster-wide callers, callers of several tenants); otherwise `default`.
 * The namespace is only a choice: every read and write is still authorized by RBAC in it.
 */
export function tenantOf(req: FastifyRequest): string {
  const caller = req.continuum!.caller!;
  const grants = (caller.principal as { grants?: Array<{ namespace?: string }> } | undefined)?.grants ?? [];
  const tenants = [...new Set(grants.map((g) => g.namespace).filter((n): n is string => !!n))];
  const header = req.headers[NAMESPACE_HEADER];
  if (tenants.length === 1 && (header === undefined || header === tenants[0])) return tenants[0];
  if (typeof header === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(header) && header.length <= 63)
    return header;
  if (header !== undefined)
    throw new ApiError('BadRequest', `invalid ${NAMESPACE_HEADER} header`, [
      { field: NAMESPACE_HEADER, message: 'must be a namespace name' },
    ]);
  return tenants.length ? tenants[0] : 'default';
}

/** Authorizes one native verb (the scope mapping of docs/camara.md) and records it for the audit. */
export async function allow(
  deps: CamaraDeps,
  req: FastifyRequest,
  verb: Verb,
  kind: KindDef,
  namespace: string | undefined,
  name?: string,
): Promise<Caller> {
  const caller = req.continuum!.caller!;
  req.continuum!.attrs = { verb, kind, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
  await deps.security.authorize(caller, { verb, kind, namespace, name });
  return caller;
}

/** A path or query id that is not a CAMARA UUID. */
export function checkId(id: string, field: string): void {
  if (!UUID.test(id))
    throw new ApiError('BadRequest', `${field} must be a UUID`, [{ field, message: 'not a UUID (version 1-5)' }]);
}

/** Sends a CAMARA JSON answer (or an empty one) with the x-correlator echoed. */
export function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  const correlator = correlatorOf(req);
  if (correlator !== undefined) void reply.header('x-correlator', correlator);
  for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
  if (body === undefined) return reply.code(status).send();
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

/** Wraps a handler: rejects a malformed x-correlator before anything else (400 INVALID_ARGUMENT). */
export function camara(handler: RouteHandlerMethod): RouteHandlerMethod {
  return async function (this: unknown, req, reply) {
    const v = req.headers['x-correlator'];
    if (v !== undefined && (typeof v !== 'string' || !CORRELATOR.test(v)))
      throw new ApiError('BadRequest', 'x-correlator is malformed', [
        { field: 'x-correlator', message: 'must match the XCorrelator pattern' },
      ]);
    return handler.call(this as never, req, reply);
  } as RouteHandlerMethod;
}

/** Base URL of this server as the client reached it (for Location headers). */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}`;
}

/** Rejects query parameters the operation does not declare. */
export function onlyQuery(req: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (!allowed.includes(k))
      throw new ApiError('BadRequest', `unknown query parameter ${k}`, [{ field: k, message: 'not supported' }]);
    if (typeof v !== 'string')
      throw new ApiError('BadRequest', `query parameter ${k} given more than once`, [
        { field: k, message: 'repeated' },
      ]);
    out[k] = v;
  }
  return out;
}
