// Records Events about objects (shown by `describe`), aggregated and rate-limited by an EventCorrelator.
import { createHash } from 'node:crypto';
import { API_VERSION, ApiError, EventKind, SYSTEM_NAMESPACE, type AnyResource } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import { EventCorrelator, type CorrelatorOptions } from './correlator.js';

export interface EventRecorder {
  normal(obj: AnyResource, reason: string, message: string): Promise<void>;
  warning(obj: AnyResource, reason: string, message: string): Promise<void>;
}

export interface EventRecorderOptions extends CorrelatorOptions {
  /** Namespace of events about cluster-scoped objects (default SYSTEM_NAMESPACE). */
  clusterNamespace?: string;
}

/**
 * Identical events (same object, type, reason, message) are one Event object whose count grows; a repeat is
 * written at most once per `repeatIntervalMs` and each (object, reason) has a token bucket, so a controller
 * retrying the same failure never turns into a stream of writes.
 */
export function eventRecorder(
  store: Store,
  source: string,
  clock: () => Date = () => new Date(),
  opts: EventRecorderOptions = {},
): EventRecorder {
  const correlator = new EventCorrelator(opts);
  const clusterNs = opts.clusterNamespace ?? SYSTEM_NAMESPACE;
  const record = async (
    obj: AnyResource,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> => {
    const ns = obj.metadata.namespace ?? clusterNs;
    const digest = createHash('sha256')
      .update(`${obj.metadata.uid}|${type}|${reason}|${message}`)
      .digest('hex')
      .slice(0, 10);
    const name = `${obj.metadata.name.slice(0, 40).replace(/-+$/, '')}-${digest}`;
    const key = `${ns}/${name}`;
    const at = clock();
    const decision = correlator.observe(key, `${obj.metadata.uid ?? obj.metadata.name}|${reason}`, at.getTime());
    if (!decision.write) return;
    const now = at.toISOString();
    try {
      const cur = await store.get(EventKind, ns, name);
      if (cur) {
        await store.update(EventKind, {
          ...cur,
          spec: { ...cur.spec, count: (cur.spec.count ?? 1) + decision.pending, lastTimestamp: now },
        });
        return;
      }
      await store.create(EventKind, {
        apiVersion: API_VERSION,
        kind: 'Event',
        metadata: { name, namespace: ns },
        spec: {
          involvedObject: {
            kind: obj.kind,
            name: obj.metadata.name,
            ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
            uid: obj.metadata.uid,
          },
          type,
          reason,
          message: message.slice(0, 4000),
          source,
          count: decision.pending,
          firstTimestamp: now,
          lastTimestamp: now,
        },
      });
    } catch (e) {
      correlator.failed(key, decision.pending);
      // Events are best effort where the world moved on (namespace being deleted, a concurrent writer);
      // anything else is a bug and surfaces.
      if (!(e instanceof ApiError && ['NotFound', 'Forbidden', 'Conflict', 'AlreadyExists'].includes(e.code))) throw e;
    }
  };
  return {
    normal: (o, r, m) => record(o, 'Normal', r, m),
    warning: (o, r, m) => record(o, 'Warning', r, m),
  };
}
