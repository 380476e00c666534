// Tells "the store cannot be reached or written right now" (retry later: 503) apart from real bugs (500).
import { ApiError } from '../model/index.js';
import { PreconditionFailed, RevisionCompacted, type Backend } from './backend.js';

/** Seconds a client is asked to wait before retrying when the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 2;

const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOSPC',
]);
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53100', '53200', '53300', '25P03', '58030']);
const PG_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /connection (is )?closed/i,
  /cannot use a pool after calling end/i,
  /^store is closed$/,
];

/** What kind of outage `e` is, or undefined when it is not an outage (a bug, a precondition, bad input). */
export function outageOf(e: unknown): string | undefined {
  if (e instanceof ApiError || e instanceof PreconditionFailed || e instanceof RevisionCompacted) return undefined;
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === '53100') return 'disk full';
    if (NODE_CODES.has(code) || code.startsWith('08') || PG_CODES.has(code)) return 'connection lost';
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_LOCKED')) return 'database busy';
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY'))
      return 'storage I/O error';
  }
  if (PG_MESSAGES.some((m) => m.test(e.message))) return 'connection lost';
  const cause = (e as { cause?: unknown }).cause;
  return cause && cause !== e ? outageOf(cause) : undefined;
}

/**
 * The error to show a client for `e`: an outage becomes 503 Unavailable with Retry-After and no internal detail
 * (the original stays as `cause` for the server log); anything else is returned unchanged.
 */
export function asStoreError(e: unknown): unknown {
  const outage = outageOf(e);
  if (!outage) return e;
  const err = new ApiError('Unavailable', `the store is unavailable (${outage}); retry in a few seconds`, [], {
    'Retry-After': String(STORE_RETRY_AFTER_SECONDS),
  });
  (err as { cause?: unknown }).cause = e;
  return err;
}

const GUARDED = ['commit', 'get', 'scan', 'revision', 'events', 'compact'] as const;

/** Wraps a backend so that its outages surface as 503 ApiErrors; other behaviour is unchanged. */
export function guardBackend(backend: Backend): Backend {
  if ((backend as { guarded?: boolean }).guarded) return backend;
  return new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop === 'guarded') return true;
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => unknown;
      if (!(GUARDED as readonly (string | symbol)[]).includes(prop)) return fn.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await fn.apply(target, args);
        } catch (e) {
          throw asStoreError(e);
        }
      };
    },
  });
}
