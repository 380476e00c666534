// Tests only: an HTTP proxy in front of a control plane that validates every EWBI exchange passing through it.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EWBI_PREFIX, EWBI_TOKEN_PATH } from '../ewbi/index.js';
import type { EwbiValidator } from './ewbi-validator.js';

export interface EwbiProxy {
  url: string;
  /** Operation paths seen (method + path), in order. */
  readonly log: string[];
  /** Refuse to forward (the partner looks unreachable: connection reset) while true. */
  cut: boolean;
  /** Points the proxy at another upstream (a restarted control plane on a new port). */
  retarget(upstream: string): void;
  close(): Promise<void>;
}

/**
 * Forwards everything to `upstream`; requests and responses under the EWBI prefix (the token endpoint excepted)
 * are checked with `validator` — violations are collected there and fail the test through assertClean().
 */
export async function startEwbiProxy(upstream: string, validator: EwbiValidator): Promise<EwbiProxy> {
  let target = new URL(upstream);
  const log: string[] = [];
  const state = { cut: false };
  const server: Server = createServer((req, res) => {
    if (state.cut) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0];
      const ewbi = path.startsWith(EWBI_PREFIX) && path !== EWBI_TOKEN_PATH;
      if (ewbi) {
        log.push(`${req.method} ${path.slice(EWBI_PREFIX.length)}`);
        validator.checkRequest(req.method ?? 'GET', path, req.headers['content-type'], body.length ? body : undefined);
      }
      const up = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (ures) => {
          const out: Buffer[] = [];
          ures.on('data', (c: Buffer) => out.push(c));
          ures.on('end', () => {
            const rb = Buffer.concat(out);
            if (ewbi) {
              const ct = ures.headers['content-type'] ?? '';
              const parsed =
                rb.length && ct.includes('json') ? safeJson(rb.toString('utf8')) : rb.length ? rb : undefined;
              validator.checkResponse(req.method ?? 'GET', path, ures.statusCode ?? 0, parsed);
            }
            res.writeHead(ures.statusCode ?? 502, ures.headers);
            res.end(rb);
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    get cut() {
      return state.cut;
    },
    set cut(v: boolean) {
      state.cut = v;
    },
    retarget(u: string) {
      target = new URL(u);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
