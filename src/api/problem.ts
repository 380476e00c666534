// Renders every failure as application/problem+json at the single HTTP boundary.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../model/index.js';
import { renderError } from './kube/status.js';
import { camaraErrorInfo, correlatorOf, isCamaraPath } from './camara/errors.js';

const FASTIFY_CODES: Record<string, ApiError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BadRequest',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MalformedBody',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MalformedBody',
  FST_ERR_BAD_URL: 'BadRequest',
  FST_ERR_ASYNC_CONSTRAINT: 'BadRequest',
};

/** Maps anything thrown to an ApiError; unknown errors become a logged 500 with the request id. */
export function toApiError(err: unknown, req: FastifyRequest): ApiError {
  if (err instanceof ApiError) {
    // A 503 for an outage keeps its cause out of the answer; the server log gets it.
    const cause = (err as { cause?: unknown }).cause;
    if (err.status >= 500 && cause) req.log.warn({ err: cause, requestId: req.id }, err.message);
    return err;
  }
  const fe = err as FastifyError;
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped)
    return new ApiError(mapped, fe.message, [
      { field: mapped === 'UnsupportedMediaType' ? '(content-type)' : '(body)', message: fe.message },
    ]);
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ApiError['code'] =
      fe.statusCode === 413 ? 'PayloadTooLarge' : fe.statusCode === 415 ? 'UnsupportedMediaType' : 'BadRequest';
    return new ApiError(code, fe.message, [
      { field: code === 'UnsupportedMediaType' ? '(content-type)' : '(body)', message: fe.message },
    ]);
  }
  req.log.error({ err, requestId: req.id }, 'unhandled error');
  return new ApiError('Internal', `internal error; quote request id ${req.id} when reporting`);
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  if (isCamaraPath(req.url)) {
    const info = camaraErrorInfo(err);
    const correlator = correlatorOf(req);
    if (correlator !== undefined) void reply.header('x-correlator', correlator);
    return reply.code(info.status).type('application/json').send(JSON.stringify(info));
  }
  const { type, body } = renderError(req, err, req.url.split('?')[0]);
  return reply.code(err.status).type(type).send(JSON.stringify(body));
}
