// Server-side apply with a fieldManager: field ownership in metadata.managedFields, 409 on conflicts, force=true.
import { ApiError, apiVersionOf, type AnyResource, type ResourceInput } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller, ResourceAttributes, Security } from '../../security/port.js';
import { conflictMessage, dotted, planApply } from './managed-fields.js';

const RETRIES = 8;

export interface ApplyRequest {
  /** The configuration, identity already checked against the URL (namespace and name filled in). */
  config: ResourceInput<unknown, unknown>;
  manager: string;
  force: boolean;
  dryRun?: boolean;
}

/**
 * Creates or updates the object from `config` as `manager`. The merged result is authorized (as create when absent,
 * else as patch of the stored object) and written guarded by the resourceVersion it was computed from; a lost race
 * recomputes it from the new stored object.
 */
export async function serverSideApply(
  store: Store,
  security: Security,
  caller: Caller,
  attrs: ResourceAttributes,
  req: ApplyRequest,
  now: () => string = () => new Date().toISOString(),
): Promise<{ object: AnyResource; result: 'created' | 'configured' | 'unchanged' }> {
  const kind = attrs.kind;
  const { namespace, name } = req.config.metadata;
  const config = req.config as unknown as Record<string, unknown>;
  for (let i = 0; i < RETRIES; i++) {
    const live = await store.get(kind, namespace, name);
    const plan = planApply(live as Record<string, unknown> | undefined, config, req.manager, {
      force: req.force,
      apiVersion: apiVersionOf(kind),
      now: now(),
    });
    if (plan.conflicts.length && !req.force)
      throw new ApiError(
        'Conflict',
        conflictMessage(plan.conflicts),
        plan.conflicts.map((c) => ({
          field: dotted(c.path),
          message: `conflict with "${c.manager}"`,
          reason: 'FieldManagerConflict',
        })),
      );
    const next = plan.object as unknown as ResourceInput<unknown, unknown>;
    const opts = { dryRun: req.dryRun, managedFields: plan.managedFields };
    try {
      if (!live) {
        await security.authorize(caller, { ...attrs, verb: 'create', object: next });
        const { status: _s, ...input } = next;
        return { object: await store.create(kind, input, opts), result: 'created' };
      }
      await security.authorize(caller, { ...attrs, object: next, oldObject: live });
      const before = live.metadata.resourceVersion;
      const meta = { ...next.metadata, resourceVersion: before };
      const object = await store.update(kind, { ...next, metadata: meta }, opts);
      // A dry run spends no revision: what changed is what differs from the stored object.
      const unchanged = req.dryRun
        ? JSON.stringify(object) === JSON.stringify(live)
        : object.metadata.resourceVersion === before;
      return { object, result: unchanged ? 'unchanged' : 'configured' };
    } catch (e) {
      // Someone wrote between our read and our write: recompute from what is stored now.
      if (e instanceof ApiError && e.code === 'Conflict' && e.errors[0]?.field === 'metadata.resourceVersion') continue;
      if (e instanceof ApiError && e.code === 'AlreadyExists' && !live) continue;
      throw e;
    }
  }
  throw new ApiError('Conflict', 'too many concurrent writers; retry');
}
