// Event retention: Events expire after a TTL and each namespace keeps at most a count and a byte size of them.
import { ApiError, EventKind, type Event } from '../../model/index.js';
import type { ControllerFactory } from '../../runtime/index.js';

export interface EventRetentionOptions {
  /** Seconds after its last occurrence an Event is deleted (default 3600, as in Kubernetes). */
  ttlSeconds?: number;
  /** Events kept per namespace; the least recent beyond it go (default 1000). */
  maxPerNamespace?: number;
  /** Bytes of Events (their JSON) kept per namespace; the least recent beyond it go (default 4 MiB). */
  maxBytesPerNamespace?: number;
}

const lastSeen = (e: Event): number =>
  Date.parse(e.spec.lastTimestamp ?? e.spec.firstTimestamp ?? e.metadata.creationTimestamp) || 0;

/**
 * Level-triggered per namespace: deletes expired Events, then the least recent until the namespace is within
 * both bounds, and re-checks when the next one expires. Events are not counted by ApiQuota; this bounds them.
 */
export function eventRetentionController(opts: EventRetentionOptions = {}): ControllerFactory {
  const ttlMs = (opts.ttlSeconds ?? 3600) * 1000;
  const maxCount = opts.maxPerNamespace ?? 1000;
  const maxBytes = opts.maxBytesPerNamespace ?? 4 * 1024 * 1024;
  return (m) => {
    const store = m.opts.store;
    const events = m.informer(EventKind);
    return {
      name: 'event-retention',
      workers: 1,
      watches: [{ informer: events, map: (e: Event) => [e.metadata.namespace ?? ''] }],
      async reconcile(ctx, ns) {
        const now = ctx.now().getTime();
        const all = events
          .list()
          .filter((e) => e.metadata.namespace === ns)
          .sort((a, b) => lastSeen(a) - lastSeen(b) || a.metadata.name.localeCompare(b.metadata.name));
        const drop: Event[] = [];
        let bytes = all.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
        let count = all.length;
        for (const e of all) {
          if (lastSeen(e) + ttlMs > now && count <= maxCount && bytes <= maxBytes) break;
          drop.push(e);
          count -= 1;
          bytes -= Buffer.byteLength(JSON.stringify(e));
        }
        for (const e of drop) {
          try {
            await store.delete(EventKind, ns, e.metadata.name, { preconditions: { uid: e.metadata.uid } });
          } catch (err) {
            if (!(err instanceof ApiError && ['NotFound', 'Conflict'].includes(err.code))) throw err;
          }
        }
        const next = all[drop.length];
        return next ? { requeueAfterMs: Math.max(1000, lastSeen(next) + ttlMs - now) } : undefined;
      },
    };
  };
}
