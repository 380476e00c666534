// JSON merge patch through the API: the merged result is authorized, and written only if the object is unchanged since.
import { ApiError, isApiError, type AnyResource } from '../../model/index.js';
import { mergePatch as merge, type Store } from '../../store/index.js';
import type { Caller, ResourceAttributes, Security } from '../../security/port.js';

const ATTEMPTS = 5;

/** `v` when it is a JSON object (or array), else undefined: the patch is not validated yet. */
const objectOrUndefined = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

/**
 * Applies `patch` to the object at `attrs`. Invariant: what is written is exactly the merge of the
 * patch into the stored object that was authorized (both the stored object and the merged result
 * pass `authorize`, so e.g. a RoleBinding can be neither patched from nor into a grant the caller
 * may not hand out). The write carries the authorized resourceVersion; when a concurrent writer
 * got there first, the patch is re-authorized against the new object and retried, unless the
 * client pinned a resourceVersion itself (then the Conflict is the client's answer).
 */
export async function mergePatch(
  store: Store,
  security: Security,
  caller: Caller,
  attrs: ResourceAttributes,
  first: AnyResource,
  patch: Record<string, unknown>,
  /** Extra checks of the merged object before it is written (e.g. addresses in a Workload's status). */
  admit: (merged: AnyResource) => Promise<void> = async () => {},
): Promise<AnyResource> {
  const meta = objectOrUndefined(patch.metadata);
  const pinned = typeof meta?.resourceVersion === 'string';
  let current = first;
  for (let attempt = 1; ; attempt++) {
    const merged = merge(current, patch) as AnyResource;
    await security.authorize(caller, { ...attrs, object: merged, oldObject: current });
    await admit(merged);
    const guarded = pinned
      ? patch
      : { ...patch, metadata: { ...meta, resourceVersion: current.metadata.resourceVersion } };
    try {
      return await store.patch(
        attrs.kind,
        attrs.namespace,
        attrs.name!,
        guarded,
        attrs.subresource === 'status' ? 'status' : undefined,
      );
    } catch (e) {
      if (pinned || !isApiError(e, 'Conflict') || attempt >= ATTEMPTS) throw e;
    }
    const next = await store.get(attrs.kind, attrs.namespace, attrs.name!);
    if (!next)
      throw new ApiError('NotFound', `${attrs.kind.kind} ${JSON.stringify(attrs.name)} not found`, [
        { field: 'metadata.name', message: 'not found' },
      ]);
    await security.authorize(caller, { ...attrs, object: next, oldObject: next });
    current = next;
  }
}
