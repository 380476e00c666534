// The partner HTTP surface: an encapsulated fastify context with EWBI content types, bearer auth and ProblemDetails.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { ApiError, pointerToPath, type FieldError } from '../../model/index.js';
import {
  decodeMultipart,
  EWBI_PREFIX,
  multipartBoundary,
  type EwbiOperation,
  type ProblemDetails,
} from '../ewbi/index.js';
import type { PartnerTokens } from './oauth.js';

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats.default(ajv);
for (const f of ['int32', 'int64', 'binary']) ajv.addFormat(f, true);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Field errors of `data` against a wire schema (empty when valid). */
export function wireErrors(schema: TSchema, data: unknown): FieldError[] {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema as object);
    compiled.set(schema, v);
  }
  if (v(data)) return [];
  return (v.errors ?? []).map((e) => ({
    field:
      e.keyword === 'required'
        ? [pointerToPath(e.instancePath), String(e.params.missingProperty)].filter(Boolean).join('.')
        : pointerToPath(e.instancePath) || '(body)',
    message: e.message ?? e.keyword,
  }));
}

/** Statuses the spec lists for every operation; anything else is mapped onto one of them. */
const LISTED = new Set([400, 401, 404, 409, 422, 500, 503]);

/** Renders an error as the spec's ProblemDetails (application/problem+json). */
export function sendEwbiProblem(reply: FastifyReply, e: unknown): FastifyReply {
  const err = e instanceof ApiError ? e : toApiError(e);
  let status = err.status;
  if (status === 403) status = 409;
  if (status === 413 || status === 415) status = 400;
  if (!LISTED.has(status)) status = status >= 500 ? 500 : 400;
  const body: ProblemDetails & { status: number } = {
    title: err.title,
    status,
    detail: err.message,
    cause: err.code,
    ...(err.errors.length ? { invalidParams: err.errors.map((f) => ({ param: f.field, reason: f.message })) } : {}),
  };
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="ewbi"');
  return reply.code(status).type('application/problem+json').send(JSON.stringify(body));
}

function toApiError(e: unknown): ApiError {
  const fe = e as { statusCode?: number; message?: string };
  if (fe?.statusCode === 413) return new ApiError('PayloadTooLarge', 'request body too large');
  if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return new ApiError('BadRequest', fe.message ?? 'bad request', [{ field: '(body)', message: 'unreadable' }]);
  return new ApiError('Internal', 'internal error');
}

/** What a handler answers: a status (default the operation's) and an optional JSON body and headers. */
export interface EwbiAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EwbiRequest {
  client: string;
  params: Record<string, string>;
  body: unknown;
  /** Binary parts of a multipart upload. */
  files: Record<string, { filename?: string; data: Buffer }>;
  /** scheme://host[:port] the caller reached us at. */
  origin: string;
}

export type EwbiHandler = (r: EwbiRequest) => Promise<EwbiAnswer | void>;

declare module 'fastify' {
  interface FastifyRequest {
    ewbiClient?: string;
  }
}

/** Registers content parsers and the bearer check on an encapsulated context of the EWBI routes. */
export function prepareContext(app: FastifyInstance, tokens: PartnerTokens, tokenPath: string): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) return done(new ApiError('BadRequest', 'multipart body without boundary'), undefined);
    try {
      done(null, decodeMultipart(body as Buffer, boundary));
    } catch (e) {
      done(new ApiError('BadRequest', `malformed multipart body: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of new URLSearchParams(body as string)) if (k !== '__proto__') out[k] = v;
    done(null, out);
  });
  app.setErrorHandler((err, _req, reply) => sendEwbiProblem(reply, err));
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url === tokenPath) return;
    req.ewbiClient = await tokens.verify(req.headers.authorization);
    // The audit log names the partner client behind every EWBI write.
    req.continuum = { ...req.continuum, caller: { subject: `ewbi:${req.ewbiClient}`, kind: 'service' } };
  });
}

/** Registers one EWBI operation: path parameters and body are validated against the wire schemas first. */
export function serve(app: FastifyInstance, op: EwbiOperation, handler: EwbiHandler): void {
  const url = EWBI_PREFIX + op.path.replace(/\{(\w+)\}/g, ':$1');
  app.route({
    method: op.method,
    url,
    config: { access: { kind: 'partner' } },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const params = { ...(req.params as Record<string, string>) };
      let body: unknown = req.body;
      let files: EwbiRequest['files'] = {};
      if (op.multipart) {
        if (body && typeof body === 'object' && 'fields' in body && 'files' in body) {
          const mp = body as { fields: Record<string, unknown>; files: EwbiRequest['files'] };
          body = mp.fields;
          files = mp.files;
        }
      }
      if (op.request) {
        if (body === undefined || body === null)
          throw new ApiError('BadRequest', `${op.id} needs a request body`, [{ field: '(body)', message: 'missing' }]);
        const errs = wireErrors(op.request, body);
        if (errs.length) throw new ApiError('BadRequest', `${op.id}: the request body does not match the spec`, errs);
      }
      const origin = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
      const ans = (await handler({ client: req.ewbiClient ?? '', params, body, files, origin })) ?? {};
      for (const [k, v] of Object.entries(ans.headers ?? {})) void reply.header(k, v);
      const status = ans.status ?? op.status;
      if (ans.body === undefined) return reply.code(status).send();
      return reply.code(status).type('application/json').send(JSON.stringify(ans.body));
    },
  });
}
