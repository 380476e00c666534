// Typed operations on Continuum objects over HTTP (get, list, apply, watch, logs ...).
import {
  ApiError,
  apiVersionOf,
  kindByName,
  WorkloadKind,
  type AnyResource,
  type ErrorCode,
  type KindDef,
  type Resource,
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

/** One watch event; `R` is the object type of the watched kind (a BOOKMARK carries only metadata.resourceVersion). */
export type ClientWatchEvent<R extends AnyResource = AnyResource> = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: R;
};

/** A list answer; `R` is the object type of the listed kind. */
export interface ClientList<R extends AnyResource = AnyResource> {
  items: R[];
  metadata: { resourceVersion: string; continue?: string };
}

/** A watch ERROR event's object: the problem document the server sent. */
interface WatchProblem {
  code?: ErrorCode;
  detail?: string;
}

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

/** `dryRun`: the server validates, authorizes and admits the write, and stores nothing (`?dryRun=All`). */
export interface WriteParams {
  dryRun?: boolean;
}

const dry = (w: WriteParams): string => (w.dryRun ? '?dryRun=All' : '');

export class ContinuumClient {
  readonly http: HttpClient;
  constructor(opts: ClientOptions) {
    this.http = new HttpClient(opts);
  }

  /** Typed by the kind: the server answers with an object of that kind (it validates every write). */
  async get<S, T>(kind: KindDef<S, T>, namespace: string | undefined, name: string): Promise<Resource<S, T>> {
    return (await this.http.json<Resource<S, T>>('GET', itemPath(kind, namespace, name))).body;
  }

  async tryGet<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
  ): Promise<Resource<S, T> | undefined> {
    try {
      return await this.get(kind, namespace, name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NotFound') return undefined;
      throw e;
    }
  }

  async list<S, T>(kind: KindDef<S, T>, p: ListParams = {}): Promise<ClientList<Resource<S, T>>> {
    const path =
      collectionPath(kind, p.namespace) +
      query({ labelSelector: p.labelSelector, fieldSelector: p.fieldSelector, limit: p.limit, continue: p.continue });
    return (await this.http.json<ClientList<Resource<S, T>>>('GET', path)).body;
  }

  /** The kind is the object's own (`kind`/`apiVersion`); the answer has the spec and status types of `obj`. */
  async create<S, T>(obj: ResourceInput<S, T>): Promise<Resource<S, T>> {
    const kind = kindOf(obj);
    return (await this.http.json<Resource<S, T>>('POST', collectionPath(kind, obj.metadata.namespace), obj)).body;
  }

  async update<S, T>(obj: ResourceInput<S, T>, w: WriteParams = {}): Promise<Resource<S, T>> {
    const kind = kindOf(obj);
    const path = itemPath(kind, obj.metadata.namespace, obj.metadata.name) + dry(w);
    return (await this.http.json<Resource<S, T>>('PUT', path, obj)).body;
  }

  async updateStatus<S, T>(obj: ResourceInput<S, T>): Promise<Resource<S, T>> {
    const kind = kindOf(obj);
    const path = `${itemPath(kind, obj.metadata.namespace, obj.metadata.name)}/status`;
    return (await this.http.json<Resource<S, T>>('PUT', path, obj)).body;
  }

  async patch<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: 'status',
    w: WriteParams = {},
  ): Promise<Resource<S, T>> {
    const path = itemPath(kind, namespace, name) + (subresource ? `/${subresource}` : '') + dry(w);
    const headers = { 'content-type': 'application/merge-patch+json' };
    return (await this.http.json<Resource<S, T>>('PATCH', path, patch, headers)).body;
  }

  /** Server-side create-or-update; result is created | configured | unchanged. */
  async apply<S, T>(
    obj: ResourceInput<S, T>,
    w: WriteParams = {},
  ): Promise<{ object: Resource<S, T>; result: string }> {
    const kind = kindOf(obj);
    const r = await this.http.json<Resource<S, T>>(
      'PATCH',
      itemPath(kind, obj.metadata.namespace, obj.metadata.name) + dry(w),
      obj,
      { 'content-type': 'application/apply-patch+json' },
    );
    return { object: r.body, result: String(r.headers['x-continuum-apply'] ?? 'configured') };
  }

  async delete<S, T>(kind: KindDef<S, T>, namespace: string | undefined, name: string): Promise<Resource<S, T>> {
    return (await this.http.json<Resource<S, T>>('DELETE', itemPath(kind, namespace, name))).body;
  }

  /** Streams watch events; throws ApiError('Gone') when the resourceVersion is compacted. */
  async *watch<S, T>(
    kind: KindDef<S, T>,
    p: ListParams & { resourceVersion?: string; timeoutSeconds?: number; bookmarks?: boolean },
    signal?: AbortSignal,
  ): AsyncIterable<ClientWatchEvent<Resource<S, T>>> {
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
        const msg = JSON.parse(ev.data) as ClientWatchEvent<Resource<S, T>> | { type: 'ERROR'; object: WatchProblem };
        if (msg.type === 'ERROR')
          throw new ApiError(knownErrorCode(msg.object.code) ?? 'Internal', msg.object.detail ?? 'watch error');
        yield msg;
      }
    } finally {
      res.body.destroy();
    }
  }

  /** Log text of a workload in chunks (not necessarily whole lines); with follow, until aborted. */
  async *logs(
    namespace: string,
    name: string,
    p: { follow?: boolean; tailLines?: number; previous?: boolean; sinceSeconds?: number; sinceTime?: string },
    signal?: AbortSignal,
  ): AsyncIterable<string> {
    const kind = WorkloadKind;
    const res = await this.http.raw(
      'GET',
      `${itemPath(kind, namespace, name)}/logs${query({ ...p })}`,
      undefined,
      { accept: 'text/plain' },
      signal,
    );
    if (res.status >= 400) throw problemToError(res.status, await readAll(res.body));
    yield* decodeUtf8(res.body);
  }
}
