// A small HTTP(S) client for the native API used by the CLI and site agents (outbound only).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, ERROR_CATALOGUE, type ErrorCode, type FieldError } from '../model/index.js';
import { injectTraceparent } from '../lib/tracing/index.js';

export interface ClientOptions {
  server: string;
  token?: string;
  /** PEM CA bundle to verify the server's certificate. */
  ca?: string | Buffer;
  /** Skip TLS verification (never by default). */
  insecure?: boolean;
  /** Idle socket timeout (no bytes either way for this long); 0 or absent: none. */
  timeoutMs?: number;
  /**
   * Deadline for a whole request/answer exchange (`json()`), body included; 0 or absent: none. Streams opened with
   * `raw()` (watch, follow) are exempt: they may last for ever, but still have to connect within `connectTimeoutMs`.
   */
  requestTimeoutMs?: number;
  /** Deadline for establishing the connection (TCP and TLS); 0 or absent: none. Applies to streams too. */
  connectTimeoutMs?: number;
  /** Aborts every request of this client at once (Ctrl-C / SIGTERM in the CLI). */
  signal?: AbortSignal;
  userAgent?: string;
}

/** Thrown when a request exceeded a deadline (the server is unreachable, overloaded or hung). */
export class RequestTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestTimeoutError';
  }
}

const secs = (ms: number): string => (ms % 1000 ? `${ms} ms` : `${ms / 1000}s`);

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

/** Connection-level failures (server down, refused, reset) — distinct from API answers. */
export class TransportError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export class HttpClient {
  constructor(readonly opts: ClientOptions) {}

  /** Sends a request; resolves with the streaming response (any status). */
  raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    const url = new URL(path, this.opts.server);
    const isHttps = url.protocol === 'https:';
    const payload =
      body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const h: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'continuum-cli',
      ...headers,
    };
    if (this.opts.token) h.authorization = `Bearer ${this.opts.token}`;
    injectTraceparent(h);
    if (payload !== undefined) {
      h['content-type'] ??= 'application/json';
      h['content-length'] = String(Buffer.byteLength(payload));
    }
    const signals = [signal, this.opts.signal].filter((x): x is AbortSignal => !!x);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return new Promise((resolve, reject) => {
      const req = (isHttps ? httpsRequest : httpRequest)(
        url,
        {
          method,
          headers: h,
          signal: combined,
          ...(isHttps ? { ca: this.opts.ca, rejectUnauthorized: !this.opts.insecure } : {}),
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      if (this.opts.timeoutMs)
        req.setTimeout(this.opts.timeoutMs, () => req.destroy(new Error(`timed out after ${this.opts.timeoutMs} ms`)));
      const connectMs = this.opts.connectTimeoutMs;
      if (connectMs)
        req.once('socket', (sock) => {
          if (!sock.connecting) return;
          const t = setTimeout(
            () =>
              req.destroy(
                new RequestTimeoutError(
                  `cannot connect to ${url.origin} within ${secs(connectMs)}: the server is unreachable or not accepting`,
                ),
              ),
            connectMs,
          );
          sock.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(t));
          sock.once('close', () => clearTimeout(t));
        });
      req.on('error', (e) =>
        reject(
          combined?.aborted || e instanceof RequestTimeoutError
            ? e
            : new TransportError(`cannot reach ${url.origin}: ${(e as Error).message}${transportHint(isHttps, e)}`, e),
        ),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Sends a request and parses a JSON answer; non-2xx answers throw ApiError with the server's problem. */
  async json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: IncomingMessage['headers'] }> {
    const ms = this.opts.requestTimeoutMs;
    if (!ms) return this.exchange<T>(method, path, body, headers);
    // The deadline covers connecting, waiting for the answer and reading its body.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), ms);
    try {
      return await this.exchange<T>(method, path, body, headers, deadline.signal);
    } catch (e) {
      if (deadline.signal.aborted && !this.opts.signal?.aborted)
        throw new RequestTimeoutError(
          `the server at ${new URL(path, this.opts.server).origin} did not answer ${method} ${path.split('?')[0]} ` +
            `within ${secs(ms)} (it may be overloaded or hung; raise --request-timeout to wait longer)`,
        );
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: T; headers: IncomingMessage['headers'] }> {
    const res = await this.raw(method, path, body, headers, signal);
    const text = await readAll(res.body);
    if (res.status >= 400) throw problemToError(res.status, text);
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/** A hint for the usual TLS mistakes: plain HTTP to an HTTPS server, or a server certificate nobody told us to trust. */
function transportHint(isHttps: boolean, e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  if (!isHttps && (code === 'ECONNRESET' || /socket hang up|Parse Error/i.test(String((e as Error).message))))
    return ' (is the server using HTTPS? use an https:// URL)';
  if (isHttps && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/.test(code))
    return ' (the server certificate is not trusted: pass --ca FILE or set CONTINUUM_CA)';
  if (isHttps && code === 'EPROTO') return ' (is the server using plain HTTP? use an http:// URL)';
  return '';
}

export async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The server's error code if this client knows it; otherwise undefined (a newer server may send codes we lack). */
export function knownErrorCode(code: unknown): ErrorCode | undefined {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code) ? (code as ErrorCode) : undefined;
}

/** The ApiError for a non-2xx answer: the server's problem document, or a code derived from the status. */
export function problemToError(status: number, text: string): ApiError {
  let p: { code?: unknown; errorCode?: unknown; detail?: string; errors?: FieldError[] } | undefined;
  try {
    p = JSON.parse(text) as typeof p;
  } catch {
    /* not a problem document */
  }
  const detail = typeof p?.detail === 'string' && p.detail ? p.detail : undefined;
  const errors = Array.isArray(p?.errors) ? p.errors : [];
  const known = knownErrorCode(p?.errorCode) ?? knownErrorCode(p?.code);
  if (known && detail) return new ApiError(known, detail, errors);
  const code: ErrorCode =
    status === 401
      ? 'Unauthorized'
      : status === 403
        ? 'Forbidden'
        : status === 404
          ? 'NotFound'
          : status >= 500
            ? 'Internal'
            : 'BadRequest';
  return new ApiError(code, detail ?? `HTTP ${status}: ${text.slice(0, 200)}`, errors);
}
