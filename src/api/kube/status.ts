// The one error body both kinds of client read: RFC 9457 problem members beside a Kubernetes meta/v1 Status.
import type { FastifyRequest } from 'fastify';
import { toProblem, type ApiError, type ErrorCode } from '../../model/index.js';

/** Kubernetes StatusReason for each of our error codes (client-go's IsNotFound, IsConflict, ... read it). */
const REASONS: Record<ErrorCode, string> = {
  BadRequest: 'BadRequest',
  MalformedBody: 'BadRequest',
  InvalidSelector: 'BadRequest',
  Unauthorized: 'Unauthorized',
  TokenExpired: 'Unauthorized',
  TokenNotYetValid: 'Unauthorized',
  TokenInvalid: 'Unauthorized',
  TokenRevoked: 'Unauthorized',
  Forbidden: 'Forbidden',
  QuotaExceeded: 'Forbidden',
  NotFound: 'NotFound',
  IdentifierNotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  IncompatibleState: 'Conflict',
  Gone: 'Expired',
  PayloadTooLarge: 'RequestEntityTooLarge',
  HeaderFieldsTooLarge: 'BadRequest',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Invalid: 'Invalid',
  Unplaceable: 'Invalid',
  MissingIdentifier: 'Invalid',
  UnsupportedIdentifier: 'Invalid',
  ServiceNotApplicable: 'Invalid',
  TooManyRequests: 'TooManyRequests',
  Internal: 'InternalError',
  NotImplemented: 'NotImplemented',
  Unavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
};

export const statusReason = (code: ErrorCode): string => REASONS[code];

/**
 * True when the client asked for JSON and not for problem+json (kubectl, client-go, client-node): it gets
 * `application/json` and the Kubernetes meanings of `status` ("Failure") and `code` (the HTTP status).
 * Everyone else gets `application/problem+json` with the RFC 9457 meanings. All other members are in both.
 */
export function wantsKubeStatus(req: FastifyRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  return /\bapplication\/json\b/.test(accept) && !accept.includes('problem+json');
}

/** Body and content type of an error answer. `errorCode` always carries our code (clients read it first). */
export function renderError(
  req: FastifyRequest,
  err: ApiError,
  instance: string,
): { type: string; body: Record<string, unknown> } {
  const problem = toProblem(err, String(req.id), instance);
  const attrs = req.continuum?.attrs;
  const details = {
    ...(attrs?.name ? { name: attrs.name } : {}),
    ...(attrs ? { group: attrs.kind.group, kind: attrs.kind.plural } : {}),
    ...(err.errors.length
      ? {
          causes: err.errors.map((e) => ({
            reason: e.reason ?? (err.code === 'Invalid' ? 'FieldValueInvalid' : REASONS[err.code]),
            message: e.message,
            field: e.field,
          })),
        }
      : {}),
  };
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    message: err.message,
    reason: REASONS[err.code],
    details,
    errorCode: err.code,
  };
  if (!wantsKubeStatus(req)) return { type: 'application/problem+json', body: { ...status, ...problem } };
  return {
    type: 'application/json',
    body: { ...problem, ...status, status: 'Failure', code: err.status },
  };
}
