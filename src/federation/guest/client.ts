// The EWBI client of the originating side: OAuth2 client credentials, JSON and multipart bodies, partner CA.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { encodeMultipart, EWBI_PREFIX, EWBI_TOKEN_PATH } from '../ewbi/index.js';

export { EWBI_PREFIX };
export const TOKEN_PATH = EWBI_TOKEN_PATH;

/** One exchange as it went over the wire (the e2e test validates each against the spec). */
export interface EwbiExchange {
  method: string;
  /** Path under the EWBI prefix, query excluded. */
  path: string;
  /** Full content type (multipart boundary included). */
  contentType?: string;
  /** The parsed JSON body, or the raw bytes of a multipart body. */
  requestBody?: unknown;
  status: number;
  responseContentType?: string;
  responseBody?: unknown;
}

export interface EwbiClientOptions {
  /** Partner base URL (scheme://host:port). */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  ca?: string;
  /** Token endpoint (default the partner's TOKEN_PATH). */
  tokenUrl?: string;
  timeoutMs?: number;
  /** Called with every EWBI exchange (not the token requests). */
  observe?: (e: EwbiExchange) => void;
}

/** A failed exchange: `status` 0 means the partner could not be reached (retry later). */
export class EwbiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'EwbiError';
  }
  /** Worth retrying: unreachable, timed out, throttled or a server-side failure. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface EwbiResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export class EwbiClient {
  private token: { value: string; until: number } | undefined;

  constructor(readonly opts: EwbiClientOptions) {}

  /** A JSON request; answers with any 2xx, throws EwbiError otherwise. */
  async json(method: string, path: string, body?: unknown): Promise<EwbiResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return this.call(method, path, payload, payload ? 'application/json' : undefined, body);
  }

  /** A multipart/form-data request: strings as text parts, objects and arrays as JSON parts. */
  async multipart(path: string, fields: Record<string, unknown>): Promise<EwbiResponse> {
    const { body, contentType } = encodeMultipart(fields);
    return this.call('POST', path, body, contentType, body);
  }

  private async call(
    method: string,
    path: string,
    payload: Buffer | undefined,
    contentType: string | undefined,
    logical: unknown,
  ): Promise<EwbiResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (contentType) headers['content-type'] = contentType;
      const res = await this.raw({ method, url: this.opts.endpoint + EWBI_PREFIX + path, headers, body: payload });
      const body = parseBody(res);
      this.opts.observe?.({
        method,
        path: path.split('?')[0],
        ...(contentType ? { contentType, requestBody: logical } : {}),
        status: res.status,
        ...(res.text ? { responseContentType: res.contentType, responseBody: body } : {}),
      });
      // A token the partner no longer accepts (restart, key rotation): fetch a new one once.
      if (res.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, body };
      throw new EwbiError(`${method} ${path}: partner answered ${res.status}${detailOf(body)}`, res.status, body);
    }
  }

  /** A bearer token from the partner's token endpoint, cached until shortly before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials' }).toString();
    const basic = Buffer.from(
      `${encodeURIComponent(this.opts.clientId)}:${encodeURIComponent(this.opts.clientSecret)}`,
    ).toString('base64');
    const res = await this.raw({
      method: 'POST',
      url: this.opts.tokenUrl ?? this.opts.endpoint + TOKEN_PATH,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
      },
      body: Buffer.from(form),
    });
    const body = parseBody(res) as { access_token?: string; expires_in?: number } | undefined;
    if (res.status !== 200 || typeof body?.access_token !== 'string')
      throw new EwbiError(`token request refused: ${res.status}${detailOf(body)}`, res.status, body);
    const ttl = Math.max(5, Number(body.expires_in ?? 60));
    this.token = { value: body.access_token, until: Date.now() + (ttl - Math.min(30, ttl / 3)) * 1000 };
    return this.token.value;
  }

  private raw(
    r: RawRequest,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; text: string; contentType?: string }> {
    const u = new URL(r.url);
    const https = u.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const timeout = this.opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const req = send(
        u,
        {
          method: r.method,
          headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) },
          ...(https && this.opts.ca ? { ca: this.opts.ca } : {}),
          timeout,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new EwbiError(`${r.method} ${u.pathname}: ${e.message}`, 0)));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              ...(res.headers['content-type'] ? { contentType: res.headers['content-type'].split(';')[0] } : {}),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.on('error', (e) => reject(new EwbiError(`${r.method} ${u.pathname}: ${e.message}`, 0)));
      req.end(r.body);
    });
  }
}

function parseBody(res: { text: string; contentType?: string }): unknown {
  if (!res.text) return undefined;
  if (res.contentType?.includes('json')) {
    try {
      return JSON.parse(res.text);
    } catch {
      return res.text;
    }
  }
  return res.text;
}

function detailOf(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? `: ${body.slice(0, 300)}` : '';
  const b = body as { title?: string; detail?: string };
  return b.detail || b.title ? `: ${b.title ?? ''}${b.detail ? ` — ${b.detail}` : ''}` : '';
}
