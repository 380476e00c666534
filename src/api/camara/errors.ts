// Renders the one error catalogue as CAMARA ErrorInfo {status, code, message} for the CAMARA routes.
import type { FastifyRequest } from 'fastify';
import type { ApiError, ErrorCode } from '../../model/index.js';

/** URL prefixes served with CAMARA conventions (ErrorInfo bodies, x-correlator echo). */
export const CAMARA_PREFIXES = [
  '/edge-application-management/',
  '/simple-edge-discovery/',
  '/optimal-edge-discovery/',
] as const;

/** True when the request's path belongs to a CAMARA API. */
export const isCamaraPath = (url: string): boolean => CAMARA_PREFIXES.some((p) => url.startsWith(p));

/** The x-correlator syntax of CAMARA_common (XCorrelator). */
export const CORRELATOR = /^[a-zA-Z0-9\-_:;./<>{}]{0,256}$/;

/** CAMARA status and code for each catalogue code (CAMARA answers 400 where we would say 422). */
const CAMARA: Record<ErrorCode, [number, string]> = {
  BadRequest: [400, 'INVALID_ARGUMENT'],
  MalformedBody: [400, 'INVALID_ARGUMENT'],
  InvalidSelector: [400, 'INVALID_ARGUMENT'],
  Invalid: [400, 'INVALID_ARGUMENT'],
  Unauthorized: [401, 'UNAUTHENTICATED'],
  TokenExpired: [401, 'UNAUTHENTICATED'],
  TokenNotYetValid: [401, 'UNAUTHENTICATED'],
  TokenInvalid: [401, 'UNAUTHENTICATED'],
  TokenRevoked: [401, 'UNAUTHENTICATED'],
  Forbidden: [403, 'PERMISSION_DENIED'],
  QuotaExceeded: [429, 'QUOTA_EXCEEDED'],
  NotFound: [404, 'NOT_FOUND'],
  IdentifierNotFound: [404, 'IDENTIFIER_NOT_FOUND'],
  MethodNotAllowed: [405, 'METHOD_NOT_ALLOWED'],
  NotAcceptable: [406, 'NOT_ACCEPTABLE'],
  AlreadyExists: [409, 'ALREADY_EXISTS'],
  Conflict: [409, 'CONFLICT'],
  IncompatibleState: [409, 'INCOMPATIBLE_STATE'],
  Gone: [410, 'GONE'],
  PayloadTooLarge: [413, 'PAYLOAD_TOO_LARGE'],
  UnsupportedMediaType: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  Unplaceable: [422, 'UNPROCESSABLE_ENTITY'],
  MissingIdentifier: [422, 'MISSING_IDENTIFIER'],
  UnsupportedIdentifier: [422, 'UNSUPPORTED_IDENTIFIER'],
  ServiceNotApplicable: [422, 'SERVICE_NOT_APPLICABLE'],
  TooManyRequests: [429, 'TOO_MANY_REQUESTS'],
  HeaderFieldsTooLarge: [431, 'INVALID_ARGUMENT'],
  Internal: [500, 'INTERNAL'],
  NotImplemented: [501, 'NOT_IMPLEMENTED'],
  Unavailable: [503, 'UNAVAILABLE'],
  Timeout: [504, 'TIMEOUT'],
};

/** The CAMARA ErrorInfo of an error: status, code and a message (field paths appended, at most 512 chars). */
export function camaraErrorInfo(err: ApiError): { status: number; code: string; message: string } {
  const [status, code] = CAMARA[err.code];
  const fields = err.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  const message = fields && !err.message.includes(fields) ? `${err.message} (${fields})` : err.message;
  return { status, code, message: message.length > 512 ? `${message.slice(0, 509)}...` : message };
}

/** The x-correlator of a request when it is well formed (echoed on every CAMARA answer). */
export function correlatorOf(req: FastifyRequest): string | undefined {
  const v = req.headers['x-correlator'];
  return typeof v === 'string' && CORRELATOR.test(v) ? v : undefined;
}
