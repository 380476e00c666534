// Server side of the agent tunnel: agents keep an SSE stream open, the hub sends requests down it and reads answers posted back.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LogSource } from '../native/handlers.js';
import { ApiError, ERROR_CATALOGUE, type ErrorCode, type Workload } from '../../model/index.js';
import { PendingRequest } from './pending.js';
import { TUNNEL_BASE, type LogQuery, type TunnelErrorReport, type TunnelMessage } from '../../client/index.js';
import type { Caller } from '../../security/port.js';
import { openEventStream } from '../sse.js';

export interface TunnelHubOptions {
  /** Comment lines on idle tunnels (default 15 s); agents treat a long silence as a broken tunnel. */
  pingMs?: number;
  /** How long an agent has to start answering a request (default 10 s). */
  answerTimeoutMs?: number;
  /** Lines buffered per request before the agent's upload is paused (default 5000). */
  maxBufferedLines?: number;
}

export interface TunnelHub {
  /** Adds the tunnel routes (pass in ControlPlaneOptions.plugins). */
  plugin: (app: FastifyInstance) => void;
  /** Serves `GET .../workloads/{name}/logs` through the tunnel of the workload's site. */
  logSource: LogSource;
  /** Sites whose agent has its tunnel open. */
  sites(): string[];
}

/** One agent's open tunnel stream. */
class Tunnel {
  readonly requests = new Set<PendingRequest>();
  constructor(
    readonly site: string,
    private readonly res: ServerResponse,
  ) {}
  send(msg: TunnelMessage): void {
    if (!this.res.writableEnded) this.res.write(`data: ${JSON.stringify(msg)}\n\n`);
  }
  close(): void {
    this.res.end();
  }
}

const isStream = (b: unknown): b is Readable => b instanceof Readable;

export function createTunnelHub(opts: TunnelHubOptions = {}): TunnelHub {
  const tunnels = new Map<string, Tunnel>();
  const pendings = new Map<string, PendingRequest>();
  const answerTimeoutMs = opts.answerTimeoutMs ?? 10_000;
  const maxLines = opts.maxBufferedLines ?? 5000;

  async function openTunnel(req: FastifyRequest<{ Params: { site: string } }>, reply: FastifyReply): Promise<void> {
    const { site } = req.params;
    assertAgentFor(req.continuum?.caller, site);
    const stream = openEventStream(req, reply, 'tunnel open', opts.pingMs ?? 15_000);
    const t = new Tunnel(site, stream.res);
    const old = tunnels.get(site);
    tunnels.set(site, t);
    old?.close();
    // Ends when the agent goes away or the hub closes the tunnel; the ping stops with it.
    await stream.closed;
    stream.end();
    if (tunnels.get(site) === t) tunnels.delete(site);
    // Requests still waiting for their first answer cannot get one any more; streaming answers go on.
    for (const p of t.requests)
      if (!p.answered) p.fail(new ApiError('Unavailable', `the agent of site ${site} disconnected`));
  }

  async function answer(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const p = pendings.get(req.params.id);
    if (!p) {
      if (isStream(req.body)) req.body.resume();
      throw new ApiError(
        'NotFound',
        `no open tunnel request ${JSON.stringify(req.params.id)} (finished, cancelled or timed out)`,
      );
    }
    assertAgentFor(req.continuum?.caller, p.site);
    if (isStream(req.body)) {
      await p.attach(req.body);
      // A reader that left mid-stream: close the connection so the agent's upload stops at once.
      if (p.closed) void reply.header('connection', 'close');
      return reply.code(204).send();
    }
    const report = req.body as Partial<TunnelErrorReport> | undefined;
    const code = report?.error?.code;
    const known = typeof code === 'string' && code in ERROR_CATALOGUE;
    p.fail(
      new ApiError(
        known ? (code as ErrorCode) : 'Internal',
        String(report?.error?.message ?? 'the agent could not serve the request'),
      ),
    );
    return reply.code(204).send();
  }

  async function* stream(t: Tunnel, wl: Workload, o: LogQuery & { signal: AbortSignal }): AsyncGenerator<string> {
    const id = randomUUID();
    const p = new PendingRequest(id, t.site, maxLines);
    pendings.set(id, p);
    t.requests.add(p);
    const onAbort = (): void => p.close();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      if (!p.answered)
        p.fail(new ApiError('Timeout', `the agent of site ${t.site} did not answer within ${answerTimeoutMs} ms`));
    }, answerTimeoutMs);
    try {
      t.send({
        id,
        kind: 'logs',
        namespace: wl.metadata.namespace ?? 'default',
        name: wl.metadata.name,
        follow: o.follow,
        ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
        ...(o.previous ? { previous: true } : {}),
        ...(o.sinceTime !== undefined ? { sinceTime: o.sinceTime } : {}),
      });
      for (let line = await p.take(o.signal); line !== undefined; line = await p.take(o.signal)) yield line;
    } finally {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      pendings.delete(id);
      t.requests.delete(p);
      if (!p.finished) (tunnels.get(t.site) ?? t).send({ id, kind: 'cancel' });
      p.close();
    }
  }

  const logSource: LogSource = {
    // Not a generator itself: a missing agent must fail before the API starts its 200 response.
    logs(workload, o) {
      const site = workload.spec?.siteName;
      const ref = `${workload.metadata.namespace ?? 'default'}/${workload.metadata.name}`;
      if (!site) throw new ApiError('Unavailable', `workload ${ref} is not bound to a site yet, so it has no logs`);
      const t = tunnels.get(site);
      if (!t)
        throw new ApiError(
          'Unavailable',
          `site ${site} has no connected agent; logs of ${ref} are served by that site's agent`,
        );
      return stream(t, workload, o);
    },
  };

  return {
    logSource,
    sites: () => [...tunnels.keys()].sort(),
    plugin(app) {
      if (!app.hasContentTypeParser('application/octet-stream')) {
        app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
      }
      app.get<{ Params: { site: string } }>(`${TUNNEL_BASE}/sites/:site/tunnel`, openTunnel);
      app.post<{ Params: { id: string } }>(`${TUNNEL_BASE}/tunnel/:id`, answer);
      app.addHook('preClose', (done) => {
        for (const t of tunnels.values()) t.close();
        tunnels.clear();
        done();
      });
    },
  };
}

/**
 * Throws unless `caller` may act as the agent of `site` (open its tunnel, answer its requests). For now
 * every authenticated caller may; the security wiring tightens this to agent credentials bound to `site`
 * (and administrators).
 */
export function assertAgentFor(caller: Caller | undefined, site: string): void {
  if (!caller || caller.kind === 'anonymous')
    throw new ApiError('Unauthorized', `the tunnel of site ${site} needs an authenticated agent`);
}
