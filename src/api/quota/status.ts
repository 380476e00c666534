// The ApiQuota status controller: writes each quota's limits in force and its namespace's usage, when they change.
import { ApiQuotaKind, setCondition, type ApiQuota, type ApiQuotaStatus } from '../../model/index.js';
import { jsonEqual } from '../../store/index.js';
import type { ControllerFactory } from '../../runtime/index.js';
import type { QuotaTracker } from './tracker.js';

/** Usage moves without any ApiQuota changing: every quota is re-checked this often. */
const RESYNC_MS = 5000;

export function apiQuotaStatusController(tracker: QuotaTracker): ControllerFactory {
  return (m) => {
    const store = m.opts.store;
    const quotas = m.informer(ApiQuotaKind);
    return {
      name: 'apiquota-status',
      workers: 1,
      resyncMs: RESYNC_MS,
      watches: [{ informer: quotas }],
      async reconcile(ctx, key) {
        const [ns, name] = key.split('/');
        const q: ApiQuota | undefined = await store.get(ApiQuotaKind, ns, name);
        if (!q || q.metadata.deletionTimestamp) return;
        await tracker.start();
        const { limits: hard } = tracker.limits(ns);
        const used = tracker.usage(ns);
        const full = [
          ...Object.entries(used.objects)
            .filter(([k, n]) => n >= (hard.objects[k] ?? hard.objectsPerKind))
            .map(([k]) => `objects of kind ${k}`),
          ...(['bytes', 'watches', 'tokens', 'connections'] as const).filter((f) => used[f] >= hard[f]),
        ];
        const base: ApiQuotaStatus = { observedGeneration: q.metadata.generation, hard, used };
        const status: ApiQuotaStatus = {
          ...base,
          conditions: setCondition(
            q.status?.conditions,
            full.length
              ? {
                  type: 'WithinLimits',
                  status: 'False',
                  reason: 'LimitReached',
                  message: `at the limit: ${full.join(', ')}; further requests for them are refused`,
                }
              : { type: 'WithinLimits', status: 'True', reason: 'WithinLimits', message: 'usage is below every limit' },
            ctx.now().toISOString(),
          ),
        };
        if (jsonEqual(status, q.status)) return;
        await store.updateStatus(ApiQuotaKind, { ...q, status });
      },
    };
  };
}
