// Long-lived responses (SSE watch streams, agent tunnels, log and audit streams): headers, back-pressure, heartbeats.
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

let open = 0;

/** Streams opened by this process whose handler has not finished yet (leak detector for tests and metrics). */
export const openStreams = (): number => open;

/** True once nothing more can be written: the response ended or the client went away. */
export const isGone = (res: ServerResponse): boolean => res.destroyed || res.writableEnded || !res.writable;

/**
 * Writes one chunk with back-pressure. Resolves true when the caller may write again, false when the client has
 * gone: it waits for 'drain' OR 'close' (a slow client that disconnects never drains, so waiting for 'drain'
 * alone would park the handler, and its timers, forever).
 */
export function writeChunk(res: ServerResponse, chunk: string): Promise<boolean> {
  if (isGone(res)) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  if (isGone(res)) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      res.off('error', done);
      resolve(!isGone(res));
    };
    res.on('drain', done);
    res.on('close', done);
    res.on('error', done);
  });
}

/** A hijacked streaming response with a heartbeat; `end()` must run when the handler finishes (in a finally). */
export interface OpenStream {
  res: ServerResponse;
  /** Resolves once the client has gone (or the stream was ended). */
  closed: Promise<void>;
  write(chunk: string): Promise<boolean>;
  /** Stops the heartbeat and ends the response; idempotent. */
  end(): void;
}

/**
 * Takes over the response, writes the given headers and counts the stream as open until `end()`. A heartbeat
 * (when `heartbeatMs` and `heartbeat` are given) is written only while the client can take it.
 */
export function openStream(
  req: FastifyRequest,
  reply: FastifyReply,
  headers: Record<string, string>,
  opts: { heartbeatMs?: number; heartbeat?: string; first?: string } = {},
): OpenStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { ...headers, 'x-request-id': String(req.id) });
  // Headers leave now: a client (client-node's Watch) may wait for them before the first event exists.
  if (opts.first) res.write(opts.first);
  else res.flushHeaders();
  open++;
  const closed = new Promise<void>((resolve) => {
    if (res.destroyed) resolve();
    res.once('close', () => resolve());
  });
  const beat =
    opts.heartbeatMs && opts.heartbeat
      ? setInterval(() => {
          if (!isGone(res) && res.writableLength === 0) res.write(opts.heartbeat!);
        }, opts.heartbeatMs)
      : undefined;
  let ended = false;
  return {
    res,
    closed,
    write: (chunk) => writeChunk(res, chunk),
    end() {
      if (ended) return;
      ended = true;
      open--;
      if (beat) clearInterval(beat);
      if (!res.writableEnded) res.end();
    },
  };
}

/** Opens a Server-Sent Events stream (watch streams, agent tunnels) with a ': ping' heartbeat. */
export function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  comment: string,
  heartbeatMs = 15_000,
): OpenStream {
  return openStream(
    req,
    reply,
    {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
    { heartbeatMs, heartbeat: ': ping\n\n', first: `: ${comment}\n\n` },
  );
}
