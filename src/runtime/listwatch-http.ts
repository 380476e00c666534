// A ListWatcher over the native API (list + SSE watch), gated by the agent's connection, for the shared Informer.
import {
  collectionPath,
  parseSse,
  problemToError,
  readAll,
  TransportError,
  type ContinuumClient,
  isConnectionError,
} from '../client/index.js';
import type { ListWatcher, SourceEvent } from './index.js';
import { ApiError, type ErrorCode, type KindDef, type Resource } from '../model/index.js';
import type { Connection } from './connection.js';

export interface HttpSourceOptions<S = unknown, T = unknown> {
  kind: KindDef<S, T>;
  fieldSelector?: string;
  /** Client for list calls (may have a request timeout). */
  api: () => ContinuumClient;
  /** Client for the long-lived watch stream (no request timeout). */
  stream: () => ContinuumClient;
  conn: Connection;
  /** A watch silent for this long (the server pings every 15 s) counts as dropped (default 45 s). */
  idleMs?: number;
  /** The trace context the server sent with an event (the write that made that revision), when tracing. */
  onTrace?: (obj: Resource<S, T>, traceparent: string) => void;
  /** Called after every successful list. */
  onListed?: () => void;
}

export interface HttpSource<S = unknown, T = unknown> extends ListWatcher<Resource<S, T>> {
  /** Makes the informer relist before its next watch (set when the agent reconnects). */
  requestRelist(): void;
}

/** Yields the chunks of `body`, calling `onChunk` for each (the idle watchdog's pulse). */
async function* tap(body: AsyncIterable<Buffer>, onChunk: () => void): AsyncIterable<Buffer> {
  for await (const c of body) {
    onChunk();
    yield c;
  }
}

/**
 * Every call first waits until the agent is online; connection failures are reported to the
 * connection (which switches the agent offline) and rethrown so the informer retries.
 */
export function httpSource<S, T>(o: HttpSourceOptions<S, T>): HttpSource<S, T> {
  let relist = false;
  const query = o.fieldSelector ? `fieldSelector=${encodeURIComponent(o.fieldSelector)}` : '';
  return {
    requestRelist() {
      relist = true;
    },
    async list() {
      await o.conn.whenOnline(o.conn.signal);
      try {
        const r = await o.api().list(o.kind, { fieldSelector: o.fieldSelector });
        relist = false;
        o.onListed?.();
        return { items: r.items, resourceVersion: r.metadata.resourceVersion };
      } catch (e) {
        o.conn.fail(e);
        throw e;
      }
    },
    async *watch(resourceVersion: string, signal: AbortSignal) {
      await o.conn.whenOnline(signal);
      if (relist) throw new ApiError('Gone', 'relisting after reconnection');
      const ac = new AbortController();
      const onAbort = (): void => ac.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let idle = false;
      let timer: NodeJS.Timeout | undefined;
      const pulse = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          idle = true;
          ac.abort();
        }, o.idleMs ?? 45_000);
      };
      const path = `${collectionPath(o.kind)}?${query}${query ? '&' : ''}watch=true&resourceVersion=${encodeURIComponent(resourceVersion)}`;
      let body: (AsyncIterable<Buffer> & { destroy(): void }) | undefined;
      try {
        pulse();
        const res = await o.stream().http.raw('GET', path, undefined, { accept: 'text/event-stream' }, ac.signal);
        body = res.body;
        if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
        for await (const ev of parseSse(tap(res.body, pulse))) {
          // The server sends objects of the watched kind, or one ERROR event carrying a problem document.
          const msg = JSON.parse(ev.data) as
            SourceEvent<Resource<S, T>> | { type: 'ERROR'; object?: { code?: ErrorCode; detail?: string } };
          if (msg.type === 'ERROR')
            throw new ApiError(msg.object?.code ?? 'Internal', msg.object?.detail ?? 'watch error');
          const tp = (msg as { traceparent?: unknown }).traceparent;
          if (typeof tp === 'string' && msg.type !== 'BOOKMARK') o.onTrace?.(msg.object, tp);
          yield msg;
        }
      } catch (e) {
        if (signal.aborted) return;
        const err = idle
          ? new TransportError(`watch stream silent for ${o.idleMs ?? 45_000} ms`)
          : isConnectionError(e) && !(e instanceof ApiError || e instanceof TransportError)
            ? new TransportError(`watch stream broke off: ${(e as Error).message}`, e)
            : e;
        o.conn.fail(err);
        throw err;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        body?.destroy();
      }
    },
  };
}
