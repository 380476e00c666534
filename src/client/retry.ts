// Which failures mean "the server cannot be used right now" (retry later) rather than "this request is wrong".
import { ApiError } from '../model/index.js';
import { RequestTimeoutError, TransportError } from './http.js';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** True for failures meaning "the control plane cannot be used right now": transport errors, 5xx answers, dropped streams. */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof TransportError || e instanceof RequestTimeoutError) return true;
  if (e instanceof ApiError) return e.status >= 500 && e.code !== 'NotImplemented';
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err !== 'object') return false;
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  return err.message === 'aborted' || err.message === 'socket hang up';
}

/** Failures worth retrying later rather than giving up on: connection failures and rate limiting (429). */
export function isRetryableError(e: unknown): boolean {
  return isConnectionError(e) || (e instanceof ApiError && e.code === 'TooManyRequests');
}
