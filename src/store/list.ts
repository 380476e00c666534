// Filtered, paginated listing over a backend scan, with opaque continue tokens.
import { ApiError, type AnyResource } from '../model/index.js';
import type { Backend } from './backend.js';
import { matchesFields, matchesLabels, type Selector } from './selectors.js';

export interface ListQuery {
  resource: string;
  namespace?: string;
  labels: Selector;
  fields: Selector;
  limit?: number;
  continueToken?: string;
  /** Extra predicate on the decoded object (e.g. what the caller may see). */
  filter?: (obj: AnyResource) => boolean;
}

/** One page of objects; `R` is the object type of the listed kind. */
export interface ListResult<R extends AnyResource = AnyResource> {
  items: R[];
  resourceVersion: string;
  continue?: string;
  /** Objects left after this page (only when known cheaply; undefined otherwise). */
  remainingItemCount?: number;
}

interface ContinueState {
  ns: string;
  name: string;
  rv: number;
}

const encodeContinue = (c: ContinueState): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeContinue(token: string): ContinueState {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueState;
    if (typeof c.ns === 'string' && typeof c.name === 'string' && Number.isInteger(c.rv)) return c;
  } catch {
    /* fall through */
  }
  throw new ApiError('BadRequest', 'invalid continue token', [
    { field: 'continue', message: 'not a token this server issued' },
  ]);
}

/**
 * Pages after the first show current data (not a snapshot at the first page's revision); the list's
 * resourceVersion stays the first page's.
 */
export async function listObjects<R extends AnyResource = AnyResource>(
  backend: Backend,
  q: ListQuery,
  decode: (o: AnyResource) => AnyResource,
): Promise<ListResult<R>> {
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  const cont = q.continueToken ? decodeContinue(q.continueToken) : undefined;
  let after = cont ? { namespace: cont.ns, name: cont.name } : undefined;
  let revision = cont?.rv;
  const filtered = !q.labels.empty || !q.fields.empty || !!q.filter;
  const batch = limit === Infinity ? 100_000 : Math.min(10_000, filtered ? Math.max(limit * 4, 500) : limit + 1);
  const items: AnyResource[] = [];
  let more = false;
  for (;;) {
    const page = await backend.scan(q.resource, q.namespace, after, batch);
    revision ??= page.revision;
    for (const row of page.items) {
      const obj = row.object;
      after = { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
      if (!matchesLabels(obj, q.labels) || !matchesFields(obj, q.fields)) continue;
      const plain = decode(obj);
      if (q.filter && !q.filter(plain)) continue;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(plain);
    }
    if (more || page.items.length < batch) break;
  }
  const last = items[items.length - 1];
  return {
    // Every row under `q.resource` is an object of that kind (validated on write).
    items: items as R[],
    resourceVersion: String(revision),
    ...(more && last
      ? { continue: encodeContinue({ ns: last.metadata.namespace ?? '', name: last.metadata.name, rv: revision ?? 0 }) }
      : {}),
  };
}
