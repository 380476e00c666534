// Test helpers of the gateway: echoing upstreams, a canary that must never be hit, a raw HTTP client, ready sites.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { SiteKind, type SiteSpec } from '../../../model/index.js';
import { site } from '../../../model/testing/index.js';
import type { Store } from '../../../store/index.js';

/** What an echo upstream saw of one request. */
export interface Seen {
  name: string;
  method: string;
  url: string;
  body: string;
  headers: IncomingHttpHeaders;
}

export interface Upstream {
  name: string;
  url: string;
  port: number;
  seen: Seen[];
  server: Server;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that answers every request with JSON describing it (and sets a cookie, which the
 * gateway must not pass on); upgrade requests get a 101 and then an echo of every byte.
 */
export async function echoUpstream(name: string, host = '127.0.0.1'): Promise<Upstream> {
  const seen: Seen[] = [];
  const sockets = new Set<Duplex>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s: Seen = { name, method: req.method ?? '', url: req.url ?? '', body, headers: req.headers };
      seen.push(s);
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', 'app-session=1; Path=/');
      res.end(JSON.stringify(s));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket: Duplex) => {
    seen.push({ name, method: 'UPGRADE', url: req.url ?? '', body: '', headers: req.headers });
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n` +
        `X-Upstream: ${name}\r\n\r\n`,
    );
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    url: `http://${host}:${port}`,
    port,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A minimal HTTP/1.1 answer read from a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `GET|... <path>` exactly as given (no URL normalisation, unlike fetch) on a fresh connection and reads
 * the answer until the server closes. `localAddress` picks the client address (any 127.0.0.0/8 works on Linux).
 */
export function rawRequest(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: string; localAddress?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    const chunks: Buffer[] = [];
    sock.setTimeout(30_000, () => sock.destroy(new Error(`no answer to ${o.path}`)));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!m || end < 0)
        return reject(new Error(`no HTTP answer to ${JSON.stringify(o.path)}: ${JSON.stringify(text.slice(0, 200))}`));
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, end).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = text.slice(end + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(m[1]), headers, body });
    });
    const body = o.body ?? '';
    const hdrs = {
      host: `127.0.0.1:${port}`,
      connection: 'close',
      ...(o.headers ?? {}),
      ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    };
    const head = `${o.method ?? 'GET'} ${o.path} HTTP/1.1\r\n${Object.entries(hdrs)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    sock.write(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]));
  });
}

function dechunk(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const nl = s.indexOf('\r\n', i);
    if (nl < 0) return out;
    const n = parseInt(s.slice(i, nl), 16);
    if (!n) return out;
    out += s.slice(nl + 2, nl + 2 + n);
    i = nl + 2 + n + 2;
  }
}

/** Creates (or replaces the status of) a Ready site whose agent registered 127.0.0.1, at the given place. */
export async function readySite(
  store: Store,
  name: string,
  spec: Partial<SiteSpec> = {},
  agentHost = '127.0.0.1',
): Promise<void> {
  const existing = await store.get(SiteKind, undefined, name);
  const obj = existing ?? (await store.create(SiteKind, site(name, { spec })));
  await store.updateStatus(SiteKind, {
    ...obj,
    status: {
      agent: { address: `${agentHost}:9` },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Heartbeat',
          message: 'ok',
          lastTransitionTime: new Date(0).toISOString(),
        },
      ],
    },
  });
}

/** Marks a site NotReady, as the site-health controller does when its agent stops renewing. */
export async function notReadySite(store: Store, name: string): Promise<void> {
  const s = (await store.get(SiteKind, undefined, name))!;
  await store.updateStatus(SiteKind, {
    ...s,
    status: {
      ...s.status,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'HeartbeatTimeout',
          message: 'no heartbeat',
          lastTransitionTime: new Date(0).toISOString(),
        },
      ],
    },
  });
}
