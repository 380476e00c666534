// Records Events about objects (shown by `describe`): repeated events are folded into a count.
import { createHash } from 'node:crypto';
import { API_VERSION, ApiError, EventKind, type AnyResource } from '../../model/index.js';
import type { Store } from '../../store/index.js';

export interface EventRecorder {
  normal(obj: AnyResource, reason: string, message: string): Promise<void>;
  warning(obj: AnyResource, reason: string, message: string): Promise<void>;
}

/** Events of cluster-scoped objects go to the "default" namespace, as in Kubernetes. */
export function eventRecorder(store: Store, source: string, clock: () => Date = () => new Date()): EventRecorder {
  const record = async (
    obj: AnyResource,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> => {
    const ns = obj.metadata.namespace ?? 'default';
    const digest = createHash('sha256')
      .update(`${obj.metadata.uid}|${type}|${reason}|${message}`)
      .digest('hex')
      .slice(0, 10);
    const name = `${obj.metadata.name.slice(0, 40).replace(/-+$/, '')}-${digest}`;
    const now = clock().toISOString();
    try {
      const cur = await store.get(EventKind, ns, name);
      if (cur) {
        await store.update(EventKind, {
          ...cur,
          spec: { ...cur.spec, count: (cur.spec.count ?? 1) + 1, lastTimestamp: now },
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
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
        },
      });
    } catch (e) {
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
