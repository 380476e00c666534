// Typed operations on Continuum objects over HTTP (get, list, apply, watch, logs ...).
import {
  ApiError,
  apiVersionOf,
  kindByName,
  type AnyResource,
  type KindDef,
  type ResourceInput,
} from '../model/index.js';
import { HttpClient, knownErrorCode, problemToError, readAll, type ClientOptions } from './http.js';
import { decodeUtf8, parseSse } from './sse.js';

export interface ListParams {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export type ClientWatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: AnyResource };

export function collectionPath(kind: KindDef, namespace?: string): string {
  const base = `/apis/${apiVersionOf(kind)}`;
  return kind.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`
    : `${base}/${kind.plural}`;
}

export const itemPath = (kind: KindDef, namespace: string | undefined, name: string): string =>
  `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;

function query(p: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function kindOf(obj: { kind?: string; apiVersion?: string }): KindDef {
  const k = obj.kind ? kindByName(obj.kind) : undefined;
  if (!k || (obj.apiVersion && obj.apiVersion !== apiVersionOf(k)))
    throw new ApiError('BadRequest', `unknown kind ${obj.apiVersion ?? '?'}/${obj.kind ?? '?'}`, [
      { field: 'kind', message: 'unknown kind' },
    ]);
  return k;
}

export class ContinuumClient {
  readonly http: HttpClient;
  constructor(opts: ClientOptions) {
    this.http = new HttpClient(opts);
  }

  async get(kind: KindDef, namespace: string | undefined, name: string): Promise<AnyResource> {
    return (await this.http.json('GET', itemPath(kind, namespace, name))).body;
  }

  async tryGet(kind: KindDef, namespace: string | undefined, name: string): Promise<AnyResource | undefined> {
    try {
      return await this.get(kind, namespace, name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NotFound') return undefined;
      throw e;
    }
  }

  async list(
    kind: KindDef,
    p: ListParams = {},
  ): Promise<{ items: AnyResource[]; metadata: { resourceVersion: string; continue?: string } }> {
    const path =
      collectionPath(kind, p.namespace) +
      query({ labelSelector: p.labelSelector, fieldSelector: p.fieldSelector, limit: p.limit, continue: p.continue });
    return (await this.http.json('GET', path)).body;
  }

  async create(obj: ResourceInput): Promise<AnyResource> {
    const kind = kindOf(obj);
    return (await this.http.json('POST', collectionPath(kind, obj.metadata.namespace), obj)).body;
  }

  async update(obj: ResourceInput): Promise<AnyResource> {
    const kind = kindOf(obj);
    return (await this.http.json('PUT', itemPath(kind, obj.metadata.namespace, obj.metadata.name), obj)).body;
  }

  async updateStatus(obj: ResourceInput): Promise<AnyResource> {
    const kind = kindOf(obj);
    return (await this.http.json('PUT', `${itemPath(kind, obj.metadata.namespace, obj.metadata.name)}/status`, obj))
      .body;
  }

  async patch(
    kind: KindDef,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: 'status',
  ): Promise<AnyResource> {
    const path = itemPath(kind, namespace, name) + (subresource ? `/${subresource}` : '');
    return (await this.http.json('PATCH', path, patch, { 'content-type': 'application/merge-patch+json' })).body;
  }

  /** Server-side create-or-update; result is created | configured | unchanged. */
  async apply(obj: ResourceInput): Promise<{ object: AnyResource; result: string }> {
    const kind = kindOf(obj);
    const r = await this.http.json('PATCH', itemPath(kind, obj.metadata.namespace, obj.metadata.name), obj, {
      'content-type': 'application/apply-patch+json',
    });
    return { object: r.body, result: String(r.headers['x-continuum-apply'] ?? 'configured') };
  }

  async delete(kind: KindDef, namespace: string | undefined, name: string): Promise<AnyResource> {
    return (await this.http.json('DELETE', itemPath(kind, namespace, name))).body;
  }

  /** Streams watch events; throws ApiError('Gone') when the resourceVersion is compacted. */
  async *watch(
    kind: KindDef,
    p: ListParams & { resourceVersion?: string; timeoutSeconds?: number; bookmarks?: boolean },
    signal?: AbortSignal,
  ): AsyncIterable<ClientWatchEvent> {
    const path =
      collectionPath(kind, p.namespace) +
      query({
        watch: true,
        labelSelector: p.labelSelector,
        fieldSelector: p.fieldSelector,
        resourceVersion: p.resourceVersion,
        timeoutSeconds: p.timeoutSeconds,
        allowWatchBookmarks: p.bookmarks,
      });
    const res = await this.http.raw('GET', path, undefined, { accept: 'text/event-stream' }, signal);
    if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
    try {
      for await (const ev of parseSse(res.body)) {
        const msg = JSON.parse(ev.data) as { type: string; object: any };
        if (msg.type === 'ERROR')
          throw new ApiError(knownErrorCode(msg.object?.code) ?? 'Internal', msg.object?.detail ?? 'watch error');
        yield msg as ClientWatchEvent;
      }
    } finally {
      res.body.destroy();
    }
  }

  /** Log text of a workload in chunks (not necessarily whole lines); with follow, until aborted. */
  async *logs(
    namespace: string,
    name: string,
    p: { follow?: boolean; tailLines?: number },
    signal?: AbortSignal,
  ): AsyncIterable<string> {
    const kind = kindByName('Workload')!;
    const res = await this.http.raw(
      'GET',
      `${itemPath(kind, namespace, name)}/logs${query({ follow: p.follow, tailLines: p.tailLines })}`,
      undefined,
      { accept: 'text/plain' },
      signal,
    );
    if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
    yield* decodeUtf8(res.body);
  }
}
