// JSON Patch through the API: the patched object is authorized and written only if the stored object is unchanged.
import { ApiError, isApiError, type AnyResource } from '../../model/index.js';
import type { Store, WriteOptions } from '../../store/index.js';
import type { Caller, ResourceAttributes, Security } from '../../security/port.js';
import { applyJsonPatch } from './json-patch.js';

const ATTEMPTS = 5;

/**
 * Applies an RFC 6902 patch to the object at `attrs` (or its status). Same invariant as merge patch: what is
 * written is the patch applied to the authorized stored object, guarded by its resourceVersion; a concurrent
 * write re-reads, re-authorizes and re-applies (a `test` op then sees the new object).
 */
export async function jsonPatch(
  store: Store,
  security: Security,
  caller: Caller,
  attrs: ResourceAttributes,
  first: AnyResource,
  ops: unknown,
  admit: (patched: AnyResource) => Promise<void>,
  opts: WriteOptions = {},
): Promise<AnyResource> {
  let current = first;
  for (let attempt = 1; ; attempt++) {
    const patched = applyJsonPatch(current, ops) as AnyResource;
    if (typeof patched !== 'object' || patched === null || Array.isArray(patched))
      throw new ApiError('Invalid', 'the patched document is not an object', [{ field: '(body)', message: 'object' }]);
    await security.authorize(caller, { ...attrs, object: patched, oldObject: current });
    await admit(patched);
    const guarded = {
      ...patched,
      metadata: { ...patched.metadata, resourceVersion: current.metadata.resourceVersion },
    } as AnyResource;
    try {
      return attrs.subresource === 'status'
        ? await store.updateStatus(attrs.kind, guarded, opts)
        : await store.update(attrs.kind, guarded, opts);
    } catch (e) {
      if (!isApiError(e, 'Conflict') || attempt >= ATTEMPTS) throw e;
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
