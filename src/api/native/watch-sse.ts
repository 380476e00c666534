// Streams a watch to the client as Server-Sent Events (one event per change, id = resourceVersion).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, toProblem, type AnyResource } from '../../model/index.js';
import type { Watch } from '../../store/index.js';
import { openEventStream } from '../sse.js';

export interface SseOptions {
  timeoutSeconds?: number;
  /** Comment lines keep proxies from closing idle streams. */
  heartbeatMs?: number;
  /** Applied to each object before it is sent. */
  transform?: (obj: AnyResource) => unknown;
  bookmarks?: boolean;
}

export async function streamWatch(
  req: FastifyRequest,
  reply: FastifyReply,
  watch: Watch,
  opts: SseOptions = {},
): Promise<void> {
  const res = openEventStream(req, reply, 'watching');
  const close = (): void => watch.close();
  req.raw.on('close', close);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), opts.heartbeatMs ?? 15_000);
  const timeout = opts.timeoutSeconds ? setTimeout(close, opts.timeoutSeconds * 1000) : undefined;
  try {
    for await (const ev of watch) {
      if (ev.type === 'BOOKMARK' && !opts.bookmarks) continue;
      const object = ev.type === 'BOOKMARK' || !opts.transform ? ev.object : opts.transform(ev.object);
      const ok = res.write(
        `event: ${ev.type}\nid: ${ev.object.metadata.resourceVersion}\ndata: ${JSON.stringify({ type: ev.type, object })}\n\n`,
      );
      if (!ok) await new Promise<void>((r) => res.once('drain', r));
    }
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError('Internal', 'watch failed');
    if (!(e instanceof ApiError)) req.log.error({ err: e }, 'watch failed');
    res.write(`event: ERROR\ndata: ${JSON.stringify({ type: 'ERROR', object: toProblem(err, String(req.id)) })}\n\n`);
  } finally {
    clearInterval(heartbeat);
    if (timeout) clearTimeout(timeout);
    req.raw.off('close', close);
    watch.close();
    res.end();
  }
}
