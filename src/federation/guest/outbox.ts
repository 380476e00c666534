// The EWBI outbox: FederationOperation objects are written before a call is made and delivered until it took effect.
import { createHash } from 'node:crypto';
import { API_VERSION, ApiError } from '../../model/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import type { Manager } from '../../runtime/manager.js';
import type { Store } from '../../store/index.js';
import { EwbiError } from './client.js';
import type { GuestContext } from './context.js';
import {
  FederationKind,
  FederationOperationKind,
  type FederationOperation,
  type FederationOperationSpec,
} from './kinds.js';

/** Name of the outbox entry for one EWBI call: the same call (operation + ids) always gets the same name. */
export function operationName(federation: string, operation: string, key: string): string {
  return `ewbi-${createHash('sha256').update(`${federation}|${operation}|${key}`).digest('hex').slice(0, 32)}`;
}

/** Records a call in the outbox (idempotent: an entry of that name already there is kept as it is). */
export async function enqueue(store: Store, name: string, spec: FederationOperationSpec): Promise<FederationOperation> {
  const cur = await store.get(FederationOperationKind, undefined, name);
  if (cur) return cur;
  try {
    const created = await store.create(FederationOperationKind, {
      apiVersion: API_VERSION,
      kind: 'FederationOperation',
      metadata: { name, labels: { 'continuum.eu/federation': spec.federation } },
      spec,
    });
    return await store.updateStatus(FederationOperationKind, { ...created, status: { phase: 'Pending', attempts: 0 } });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'AlreadyExists')
      return (await store.get(FederationOperationKind, undefined, name))!;
    throw e;
  }
}

/**
 * What counts as "took effect" although the partner did not answer 2xx: the object already exists (409 to a
 * create made again after a crash) or is already gone (404 to a delete).
 */
function alreadyDone(op: FederationOperation, e: EwbiError): boolean {
  if (op.spec.method === 'DELETE') return e.status === 404;
  return e.status === 409;
}

/** Delivers outbox entries in order (an entry waits for the ones named in `after`), retrying with backoff. */
export function outboxController(g: GuestContext) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const ops = m.informer(FederationOperationKind);
    return {
      name: 'federation-outbox',
      workers: 2,
      backoff: { baseMs: 500, maxMs: 10_000, jitter: 0.2 },
      watches: [
        { informer: ops },
        // An entry that is done releases the ones waiting for it.
        {
          informer: ops,
          map: (o: FederationOperation) =>
            o.status?.phase === 'Done'
              ? ops
                  .list()
                  .filter((x) => x.spec.after?.includes(o.metadata.name) && x.status?.phase !== 'Done')
                  .map((x) => x.metadata.name)
              : [],
        },
        {
          informer: m.informer(FederationKind),
          map: (f) =>
            ops
              .list()
              .filter((x) => x.spec.federation === f.metadata.name && x.status?.phase === 'Pending')
              .map((x) => x.metadata.name),
        },
      ],
      async reconcile(ctx, name) {
        const op = await store.get(FederationOperationKind, undefined, name);
        if (!op || op.status?.phase === 'Done' || op.status?.phase === 'Failed') return;
        for (const dep of op.spec.after ?? []) {
          const d = ops.get(dep) ?? (await store.get(FederationOperationKind, undefined, dep));
          if (d && d.status?.phase !== 'Done') {
            if (d.status?.phase === 'Failed') await finish(op, 'Failed', { lastError: `${dep} failed` });
            return; // the watch brings this entry back when `dep` is done
          }
        }
        const fed = await store.get(FederationKind, undefined, op.spec.federation);
        const fcid = fed?.status?.federationContextId;
        if (!fed || !fcid) {
          if (!fed) await finish(op, 'Failed', { lastError: `federation ${op.spec.federation} not found` });
          return { stalled: true };
        }
        const path = op.spec.path.replaceAll('{fcid}', encodeURIComponent(fcid));
        const attempts = (op.status?.attempts ?? 0) + 1;
        const now = ctx.now().toISOString();
        try {
          const client = await g.client(fed);
          const res =
            op.spec.encoding === 'multipart'
              ? await client.multipart(path, (op.spec.body ?? {}) as Record<string, unknown>)
              : await client.json(op.spec.method, path, op.spec.body);
          await finish(op, 'Done', { attempts, httpStatus: res.status, lastAttemptTime: now });
        } catch (e) {
          if (e instanceof EwbiError && alreadyDone(op, e)) {
            await finish(op, 'Done', { attempts, httpStatus: e.status, lastAttemptTime: now });
            return;
          }
          const transient = !(e instanceof EwbiError) || e.transient || e.status === 401;
          const lastError = (e as Error).message.slice(0, 4000);
          if (!transient) {
            await finish(op, 'Failed', {
              attempts,
              httpStatus: (e as EwbiError).status,
              lastError,
              lastAttemptTime: now,
            });
            return;
          }
          await store
            .updateStatus(FederationOperationKind, {
              ...op,
              status: { ...op.status, phase: 'Pending', attempts, lastError, lastAttemptTime: now },
            })
            .catch(() => undefined);
          ctx.log.warn(`EWBI ${op.spec.operation} (${name}) attempt ${attempts}: ${lastError}`);
          throw e; // the queue retries with backoff
        }
      },
    };

    async function finish(
      op: FederationOperation,
      phase: 'Done' | 'Failed',
      extra: Partial<NonNullable<FederationOperation['status']>>,
    ): Promise<void> {
      await store.updateStatus(FederationOperationKind, { ...op, status: { ...op.status, ...extra, phase } });
    }
  };
}
