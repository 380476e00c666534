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
  const stream = openEventStream(req, reply, 'watching', opts.heartbeatMs ?? 15_000);
  const close = (): void => watch.close();
  // The response's 'close' (client gone) ends the watch, which ends the loop below even while it waits.
  stream.res.once('close', close);
  const timeout = opts.timeoutSeconds ? setTimeout(close, opts.timeoutSeconds * 1000) : undefined;
  try {
    for await (const ev of watch) {
      if (ev.type === 'BOOKMARK' && !opts.bookmarks) continue;
      const object = ev.type === 'BOOKMARK' || !opts.transform ? ev.object : opts.transform(ev.object);
      const ok = await stream.write(
        `event: ${ev.type}\nid: ${ev.object.metadata.resourceVersion}\ndata: ${JSON.stringify({ type: ev.type, object })}\n\n`,
      );
      if (!ok) break;
    }
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError('Internal', 'watch failed');
    if (!(e instanceof ApiError)) req.log.error({ err: e }, 'watch failed');
    await stream.write(
      `event: ERROR\ndata: ${JSON.stringify({ type: 'ERROR', object: toProblem(err, String(req.id)) })}\n\n`,
    );
  } finally {
    if (timeout) clearTimeout(timeout);
    stream.res.off('close', close);
    watch.close();
    stream.end();
  }
}
