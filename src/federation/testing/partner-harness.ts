// Tests only: an originating-OP stand-in for partner tests — EWBI client with OAuth2, and a callback receiver.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EWBI_PREFIX, EWBI_TOKEN_PATH, ewbiPath, encodeMultipart, operation } from '../ewbi/index.js';
import type { EwbiValidator } from './ewbi-validator.js';

/** One callback the receiver got. */
export interface Received {
  path: string;
  kind: string;
  body: Record<string, unknown>;
  authorization?: string;
}

const read = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });

/**
 * Serves the originator's callback endpoints (`/operatorplatform/federation/v1/{cbid}/<link>`) and a token endpoint
 * for the partner's callback credentials. `failNext` makes the next N callbacks answer 503 (retry tests).
 */
export class CallbackReceiver {
  readonly received: Received[] = [];
  failNext = 0;
  refused = 0;
  readonly clientId = 'partner-cb';
  readonly clientSecret = 'cb-secret-0123456789';
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void (async () => {
        const body = await read(req);
        const path = (req.url ?? '').split('?')[0];
        if (path === EWBI_TOKEN_PATH) {
          const ok =
            req.headers.authorization ===
            `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(
              ok ? { access_token: 'cb-token', token_type: 'Bearer', expires_in: 300 } : { error: 'invalid_client' },
            ),
          );
          return;
        }
        if (req.headers.authorization !== 'Bearer cb-token') {
          res.writeHead(401).end();
          return;
        }
        if (this.failNext > 0) {
          this.failNext--;
          this.refused++;
          res.writeHead(503, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ title: 'Service unavailable', detail: 'try again later' }));
          return;
        }
        const kind = path.slice(path.lastIndexOf('/') + 1);
        this.received.push({
          path,
          kind,
          body: JSON.parse(body) as Record<string, unknown>,
          authorization: req.headers.authorization,
        });
        res.writeHead(kind === 'availZoneNotifLink' ? 200 : 204).end();
      })();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  link(name: string, cbid = 'cb1'): string {
    return `${this.url}${EWBI_PREFIX}/${cbid}/${name}`;
  }

  of(kind: string): Received[] {
    return this.received.filter((r) => r.kind === kind);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** An EWBI client of one partner, authenticating with client credentials; every exchange goes through `fetch`. */
export class GuestClient {
  private token?: string;

  constructor(
    readonly base: string,
    readonly clientId: string,
    readonly clientSecret: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  async getToken(secret = this.clientSecret): Promise<Answer> {
    const res = await this.fetchImpl(`${this.base}${EWBI_TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${this.clientId}:${secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=fed-mgmt',
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.ok && secret === this.clientSecret) this.token = body.access_token;
    return { status: res.status, body, headers: res.headers };
  }

  /** Calls operation `id` with path parameters and a body (multipart for upload operations). */
  async call(id: string, params: Record<string, string> = {}, body?: unknown, token?: string | null): Promise<Answer> {
    const op = operation(id);
    if (token === undefined && !this.token) await this.getToken();
    const headers: Record<string, string> = {};
    const auth = token === undefined ? this.token : token;
    if (auth) headers.authorization = `Bearer ${auth}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined && op.multipart) {
      const mp = encodeMultipart(body as Record<string, unknown>);
      payload = mp.body;
      headers['content-type'] = mp.contentType;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.fetchImpl(`${this.base}${ewbiPath(op.path, params)}`, {
      method: op.method,
      headers,
      body: payload,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

/** A validating fetch for the partner's callbacks and the guest's calls (both sides of the traffic). */
export const validated = (v: EwbiValidator): typeof fetch => v.wrapFetch(fetch);
