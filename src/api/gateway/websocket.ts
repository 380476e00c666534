// WebSocket (HTTP Upgrade) through the gateway: same authentication, authorization, routing and headers as HTTP.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiError, toProblem } from '../../model/index.js';
import type { Security } from '../../security/port.js';
import type { GatewayAudit } from './audit.js';
import { upgradeRequestHeaders } from './headers.js';
import type { GatewayIdentity } from './identity.js';
import { AREA_HEADER, GATEWAY_PREFIX, parseGatewayPath, type GatewayPlanner } from './plan.js';
import { upstreamTarget, type UpstreamTarget } from './upstream.js';

export interface WebSocketDeps {
  security: Security;
  planner: GatewayPlanner;
  identity: GatewayIdentity;
  audit: GatewayAudit;
  connectTimeoutMs: number;
}

/** Writes a problem+json answer on a raw socket that asked for an upgrade, then closes it. */
function refuse(socket: Duplex, err: ApiError, requestId: string, path: string): void {
  const body = JSON.stringify(toProblem(err, requestId, path));
  const headers = Object.entries({ ...err.headers, 'x-request-id': requestId })
    .map(([k, v]) => `${k}: ${String(v)}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${err.title}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${headers}\r\n${body}`,
  );
}

/** Opens the upgrade towards one upstream; resolves with the upstream's 101 (or its refusal as a response). */
function upgradeUpstream(
  t: UpstreamTarget,
  headers: Record<string, string | string[] | number | undefined>,
  connectTimeoutMs: number,
): Promise<{ res: IncomingMessage; socket?: Duplex; head?: Buffer }> {
  return new Promise((resolve, reject) => {
    const make = t.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = make({
      protocol: t.protocol,
      hostname: t.hostname,
      port: t.port,
      path: t.path,
      method: 'GET',
      headers,
      agent: false,
    });
    const timer = setTimeout(
      () => up.destroy(new Error(`${t.origin} did not answer the upgrade in time`)),
      connectTimeoutMs,
    );
    up.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      resolve({ res, socket, head });
    });
    up.on('response', (res) => {
      clearTimeout(timer);
      resolve({ res });
    });
    up.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    up.end();
  });
}

function statusLine(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const k = res.rawHeaders[i].toLowerCase();
    if (k === 'set-cookie' || k.startsWith('x-continuum-')) continue;
    lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Handles `upgrade` events of the server for `/gw/...` (any other path gets a 404 problem: the API has no upgrade
 * routes). The upstream connection is made to the first reachable candidate; after the app's 101 the two sockets
 * are piped both ways until either side closes.
 */
export function attachWebSocketGateway(app: FastifyInstance, d: WebSocketDeps): void {
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    socket.on('error', () => socket.destroy());
    void (async () => {
      let subject = 'anonymous';
      let status = 101;
      let code: string | undefined;
      let p: ReturnType<typeof parseGatewayPath> | undefined;
      try {
        if (!url.startsWith(`${GATEWAY_PREFIX}/`))
          throw new ApiError('NotFound', `no upgrade route for ${path}`, [{ field: 'path', message: 'no such route' }]);
        p = parseGatewayPath(url);
        const caller = await d.security.authenticate(req.headers);
        subject = caller.subject;
        d.security.rateLimit(caller);
        const dep = await d.planner.deployment(caller, p);
        upstreamTarget('http://upstream.invalid', p.rest, p.query);
        const area = await d.planner.callerArea(req.socket.remoteAddress ?? '', req.headers[AREA_HEADER]);
        const headers = upgradeRequestHeaders(req.headers, {
          clientIp: req.socket.remoteAddress ?? '',
          proto: 'encrypted' in req.socket ? 'https' : 'http',
          host: req.headers.host,
          prefix: p.prefix,
          requestId,
          identity: await d.identity.sign(caller, `${p.namespace}/${p.deployment}`, requestId),
        });
        let last: unknown;
        for (const c of await d.planner.candidates(dep, p, area)) {
          try {
            const up = await upgradeUpstream(upstreamTarget(c.url, p.rest, p.query), headers, d.connectTimeoutMs);
            status = up.res.statusCode ?? 502;
            socket.write(statusLine(up.res));
            if (!up.socket) {
              up.res.pipe(socket);
              return;
            }
            if (up.head?.length) socket.write(up.head);
            if (head.length) up.socket.write(head);
            up.socket.on('error', () => socket.destroy());
            socket.on('close', () => up.socket?.destroy());
            up.socket.on('close', () => socket.destroy());
            up.socket.pipe(socket).pipe(up.socket);
            return;
          } catch (e) {
            if (e instanceof ApiError) throw e;
            last = e;
          }
        }
        throw new ApiError(
          'Unavailable',
          `no replica could be reached${last ? `: ${(last as Error).message}` : ''}`,
          [],
          {
            'retry-after': '1',
          },
        );
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError('Internal', 'upgrade failed');
        status = err.status;
        code = err.code;
        refuse(socket, err, requestId, path);
      } finally {
        if (p)
          d.audit.record({
            requestId,
            subject,
            namespace: p.namespace,
            deployment: p.deployment,
            ip: req.socket.remoteAddress ?? '',
            method: 'UPGRADE',
            path,
            status,
            ...(code ? { code } : {}),
          });
      }
    })();
  });
}
