// Streams a watch: newline-delimited JSON `{type, object}` as Kubernetes serves it, or Server-Sent Events on request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiVersionOf, toProblem, type AnyResource, type KindDef } from '../../model/index.js';
import type { Watch } from '../../store/index.js';
import { openEventStream, openStream } from '../sse.js';
import { renderError } from '../kube/status.js';
import { writeTrace } from '../../lib/tracing/index.js';

export interface SseOptions {
  timeoutSeconds?: number;
  /** Comment lines keep proxies from closing idle streams. */
  heartbeatMs?: number;
  /** Applied to each object before it is sent. */
  transform?: (obj: AnyResource) => unknown;
  bookmarks?: boolean;
  /** The watched kind: BOOKMARK objects carry its apiVersion and kind (client-go decodes them by kind). */
  kind?: KindDef;
}

/**
 * SSE only when the client names text/event-stream (our CLI, informers, agents); every other client (kubectl,
 * client-go, client-node, curl) gets Kubernetes' newline-delimited JSON.
 */
export const wantsSse = (req: FastifyRequest): boolean =>
  String(req.headers.accept ?? '').includes('text/event-stream');

export async function streamWatch(
  req: FastifyRequest,
  reply: FastifyReply,
  watch: Watch,
  opts: SseOptions = {},
): Promise<void> {
  const sse = wantsSse(req);
  const stream = sse
    ? openEventStream(req, reply, 'watching', opts.heartbeatMs ?? 15_000)
    : openStream(req, reply, { 'content-type': 'application/json', 'cache-control': 'no-cache, no-transform' });
  const bookmark = (o: AnyResource): AnyResource =>
    opts.kind ? ({ ...o, apiVersion: apiVersionOf(opts.kind), kind: opts.kind.kind } as AnyResource) : o;
  const close = (): void => watch.close();
  // The response's 'close' (client gone) ends the watch, which ends the loop below even while it waits.
  stream.res.once('close', close);
  const timeout = opts.timeoutSeconds ? setTimeout(close, opts.timeoutSeconds * 1000) : undefined;
  try {
    for await (const ev of watch) {
      if (ev.type === 'BOOKMARK' && !opts.bookmarks) continue;
      const object =
        ev.type === 'BOOKMARK' ? bookmark(ev.object) : !opts.transform ? ev.object : opts.transform(ev.object);
      // The trace of the write that made this revision (e.g. the reconcile that bound a Workload) goes along, so the
      // agent's action joins it. Only when tracing recorded one; clients ignore the extra member.
      const m = ev.object.metadata;
      const tp =
        ev.type === 'BOOKMARK' ? undefined : writeTrace(ev.object.kind, m.namespace, m.name, m.resourceVersion);
      const line = JSON.stringify({ type: ev.type, object, ...(tp ? { traceparent: tp } : {}) });
      const ok = await stream.write(
        sse ? `event: ${ev.type}\nid: ${ev.object.metadata.resourceVersion}\ndata: ${line}\n\n` : `${line}\n`,
      );
      if (!ok) break;
    }
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError('Internal', 'watch failed');
    if (!(e instanceof ApiError)) req.log.error({ err: e }, 'watch failed');
    // SSE keeps the problem document; NDJSON clients get a meta/v1 Status (410 makes informers relist).
    await stream.write(
      sse
        ? `event: ERROR\ndata: ${JSON.stringify({ type: 'ERROR', object: toProblem(err, String(req.id)) })}\n\n`
        : `${JSON.stringify({ type: 'ERROR', object: kubeStatus(req, err) })}\n`,
    );
  } finally {
    if (timeout) clearTimeout(timeout);
    stream.res.off('close', close);
    watch.close();
    stream.end();
  }
}

/** The Status object of a watch ERROR event (always the Kubernetes shape: numeric code, status Failure). */
function kubeStatus(req: FastifyRequest, err: ApiError): Record<string, unknown> {
  const { body } = renderError(req, err, req.url.split('?')[0]);
  return { ...body, status: 'Failure', code: err.status };
}
