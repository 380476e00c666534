// The native KRM REST API: one handler for every kind, in Kubernetes conventions.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiError,
  apiVersionOf,
  isObjectOf,
  WorkloadKind,
  type AnyResource,
  type KindDef,
  type ResourceInput,
  type Workload,
} from '../../model/index.js';
import type { DeleteOptions, Store } from '../../store/index.js';
import type { LogQuery } from '../../client/index.js';
import { send } from '../content.js';
import { openStream } from '../sse.js';
import type { Caller, ResourceAttributes, Security, Verb } from '../../security/port.js';
import { admitWorkloadStatus } from '../gateway/admission.js';
import { mergePatch } from './patch.js';
import { resolvePath, type Target } from './paths.js';
import { parseQuery, type NativeQuery } from './query.js';
import { streamWatch } from './watch-sse.js';
import { discoveryDoc } from '../kube/discovery.js';
import { toTable, wantsTable } from '../kube/table.js';
import { jsonPatch } from '../kube/json-patch-write.js';
import { serverSideApply } from '../kube/apply.js';

/** Serves workload logs (the agent tunnel implements it). */
export interface LogSource {
  logs(workload: Workload, opts: LogQuery & { signal: AbortSignal }): AsyncIterable<string>;
}

export interface NativeDeps {
  store: Store;
  security: Security;
  logs?: LogSource;
  /** Counts open watches against the callers' namespaces (ApiQuota). */
  quota?: { acquire(what: 'watches', tenants: readonly string[] | undefined): () => void };
}

/** Per-request context shared with hooks (audit). */
export interface RequestContext {
  caller?: Caller;
  attrs?: Omit<ResourceAttributes, 'object' | 'oldObject'>;
  /** Audit action for routes outside the resource API (e.g. "token:create"). */
  action?: string;
  /** The handler already wrote this request's audit record. */
  audited?: boolean;
  /** Audit this request even though it reads (e.g. it hands out secret values). */
  auditRead?: boolean;
  /** The error the request ended with, as rendered. */
  error?: ApiError;
  /** The client's X-Request-Id (well-formed ones only), recorded beside our request id. */
  clientRequestId?: string;
  /** This request's 401/403 has been charged to its client address (src/api/limits). */
  failureCharged?: boolean;
  /** Who a 429 refused ("address IP" or "subject S"): such refusals are audited once per window. */
  refusedKey?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    continuum?: RequestContext;
  }
}

function verbOf(method: string, t: Target, q: NativeQuery): Verb {
  switch (method) {
    case 'GET':
      return t.name ? 'get' : q.watch ? 'watch' : 'list';
    case 'POST':
      if (!t.name) return 'create';
      break;
    case 'PUT':
      if (t.name) return 'update';
      break;
    case 'PATCH':
      if (t.name) return 'patch';
      break;
    case 'DELETE':
      if (t.name) return 'delete';
      break;
  }
  throw new ApiError('MethodNotAllowed', `${method} is not supported on this path`, [
    { field: 'method', message: `${method} not allowed here` },
  ]);
}

/** A JSON body before validation: an object whose fields are still unchecked. */
type JsonObject = Record<string, unknown>;

function bodyObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('BadRequest', 'request body must be a single object', [
      { field: '(body)', message: 'must be an object' },
    ]);
  }
  return body as JsonObject;
}

/**
 * Checks body identity against the URL, filling namespace/name when absent. The result is shaped like an
 * object of the kind but not validated yet: the store validates it against the kind's schema.
 */
function bodyFor(t: Target, body: unknown, requireName: boolean): ResourceInput<unknown, unknown> {
  const o = bodyObject(body);
  const want = apiVersionOf(t.kind);
  if (o.apiVersion !== undefined && o.apiVersion !== want)
    throw new ApiError('BadRequest', `apiVersion ${JSON.stringify(o.apiVersion)} does not match the URL (${want})`, [
      { field: 'apiVersion', message: `must be ${want}` },
    ]);
  if (o.kind !== undefined && o.kind !== t.kind.kind)
    throw new ApiError('BadRequest', `kind ${JSON.stringify(o.kind)} does not match the URL (${t.kind.kind})`, [
      { field: 'kind', message: `must be ${t.kind.kind}` },
    ]);
  const meta = o.metadata === undefined ? {} : bodyObject(o.metadata);
  if (t.kind.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== t.namespace)
      throw new ApiError(
        'BadRequest',
        `metadata.namespace ${JSON.stringify(meta.namespace)} does not match the URL namespace ${JSON.stringify(t.namespace)}`,
        [{ field: 'metadata.namespace', message: 'does not match the URL' }],
      );
  }
  if (t.name !== undefined && meta.name !== undefined && meta.name !== t.name)
    throw new ApiError(
      'BadRequest',
      `metadata.name ${JSON.stringify(meta.name)} does not match the URL name ${JSON.stringify(t.name)}`,
      [{ field: 'metadata.name', message: 'does not match the URL' }],
    );
  const name = meta.name ?? t.name;
  if (requireName && name === undefined)
    throw new ApiError('Invalid', 'metadata.name is required', [
      { field: 'metadata.name', message: 'required field missing' },
    ]);
  return {
    ...o,
    apiVersion: o.apiVersion ?? want,
    kind: o.kind ?? t.kind.kind,
    metadata: {
      ...meta,
      ...(name !== undefined ? { name } : {}),
      ...(t.kind.namespaced ? { namespace: t.namespace } : {}),
    },
  } as ResourceInput<unknown, unknown>;
}

const listKind = (k: KindDef): string => `${k.kind}List`;

export function nativeHandler(deps: NativeDeps) {
  const { store, security } = deps;
  return async function handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const path = req.url.split('?')[0];
    const segs = path.split('/').filter(Boolean).slice(1);
    if (segs.length < 3) {
      if (req.method !== 'GET') throw new ApiError('MethodNotAllowed', `${req.method} is not supported on ${path}`);
      await security.authorizeNonResource(req.continuum!.caller!, 'discovery:read');
      return send(req, reply, 200, discoveryDoc(segs));
    }
    const t = resolvePath(segs);
    const q = parseQuery(req.query as Record<string, unknown>);
    const verb = verbOf(req.method, t, q);
    if (t.kind.namespaced && !t.namespace && !['list', 'watch'].includes(verb)) {
      throw new ApiError(
        'NotFound',
        `${t.kind.kind} is namespaced: use /apis/${t.kind.group}/${t.kind.version}/namespaces/<ns>/${t.kind.plural}`,
        [{ field: 'path.namespace', message: 'namespace required' }],
      );
    }
    const caller = req.continuum!.caller!;
    const attrs: ResourceAttributes = {
      verb,
      kind: t.kind,
      namespace: t.namespace,
      name: t.name,
      subresource: t.subresource,
    };
    req.continuum!.attrs = attrs;
    const redact = (o: AnyResource): AnyResource => security.redact(caller, o) as AnyResource;

    if (verb === 'list' || verb === 'watch') {
      await security.authorize(caller, attrs);
      const vis = await security.visibility(caller, t.kind, verb);
      const allowedNs = vis.namespaces;
      const filter = (o: AnyResource): boolean =>
        (allowedNs === 'all' || !t.kind.namespaced || allowedNs.includes(o.metadata.namespace ?? '')) &&
        (!vis.filter || vis.filter(o));
      const fieldSelector = [q.fieldSelector, vis.requiredFieldSelector].filter(Boolean).join(',') || undefined;
      // A caller who sees exactly one namespace queries only that one (the filter stays authoritative).
      const namespace =
        t.namespace ?? (t.kind.namespaced && allowedNs !== 'all' && allowedNs.length === 1 ? allowedNs[0] : undefined);
      const opts = { namespace, labelSelector: q.labelSelector, fieldSelector, filter };
      if (verb === 'watch') {
        let release = (): void => undefined;
        try {
          release = deps.quota?.acquire('watches', caller.tenants) ?? release;
        } catch (e) {
          req.continuum!.refusedKey = `subject ${caller.subject}`;
          throw e;
        }
        try {
          const w = await store.watch(t.kind, { ...opts, resourceVersion: q.resourceVersion ?? lastEventId(req) });
          const table = wantsTable(req);
          await streamWatch(req, reply, w, {
            timeoutSeconds: q.timeoutSeconds ?? q.timeout,
            transform: table ? (o) => toTable(t.kind, [redact(o)], {}, q.includeObject) : redact,
            bookmarks: q.allowWatchBookmarks,
            kind: t.kind,
          });
        } finally {
          release();
        }
        return reply;
      }
      if (t.kind.kind === 'Secret') req.continuum!.auditRead = true;
      const page = await store.list(t.kind, { ...opts, limit: q.limit, continue: q.continue });
      const metadata = { resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) };
      if (wantsTable(req))
        return send(req, reply, 200, toTable(t.kind, page.items.map(redact), metadata, q.includeObject));
      return send(req, reply, 200, {
        apiVersion: apiVersionOf(t.kind),
        kind: listKind(t.kind),
        metadata,
        items: page.items.map(redact),
      });
    }

    const name = t.name;
    if (verb === 'create') {
      // Status is written by controllers through /status, never on create.
      const { status: _ignored, ...input } = bodyFor(t, req.body, true);
      await security.authorize(caller, { ...attrs, name: input.metadata.name, object: input });
      req.continuum!.attrs = { ...attrs, name: input.metadata.name };
      return send(req, reply, 201, redact(await store.create(t.kind, input, { dryRun: q.dryRun })));
    }

    const current = await store.get(t.kind, t.namespace, name!);
    if (verb === 'patch' && !t.subresource && String(req.headers['content-type'] ?? '').includes('apply-patch')) {
      // Server-side apply: create-or-update; authorized as create when absent.
      const input = bodyFor(t, req.body, true);
      if (q.fieldManager) {
        const ssa = { config: input, manager: q.fieldManager, force: !!q.force, dryRun: q.dryRun };
        const { object, result } = await serverSideApply(store, security, caller, attrs, ssa);
        void reply.header('x-continuum-apply', result);
        return send(req, reply, result === 'created' ? 201 : 200, redact(object));
      }
      if (current) {
        await security.authorize(caller, { ...attrs, object: current, oldObject: current });
        await security.authorize(caller, { ...attrs, object: input, oldObject: current });
        // Written only if still equal to what was authorized.
        input.metadata.resourceVersion ??= current.metadata.resourceVersion;
      } else {
        await security.authorize(caller, { ...attrs, verb: 'create', object: input });
      }
      const { object, result } = await store.apply(t.kind, input, { dryRun: q.dryRun });
      void reply.header('x-continuum-apply', result);
      return send(req, reply, result === 'created' ? 201 : 200, redact(object));
    }
    await security.authorize(caller, { ...attrs, object: current, oldObject: current });
    if (!current)
      throw new ApiError(
        'NotFound',
        `${t.kind.kind} ${JSON.stringify(name)} not found${t.namespace ? ` in namespace ${t.namespace}` : ''}`,
        [{ field: 'metadata.name', message: 'not found' }],
      );

    if (verb === 'get') {
      if (t.subresource === 'logs') {
        // resolvePath offers logs only on Workloads.
        if (!isObjectOf(WorkloadKind, current))
          throw new ApiError('NotFound', `${t.kind.kind} has no logs subresource`, [
            { field: 'path.subresource', message: 'no logs' },
          ]);
        // Log reads are audited (with the client address) before the stream starts: it bypasses onSend.
        await security.audit(
          {
            requestId: String(req.id),
            ...(req.continuum?.clientRequestId ? { clientRequestId: req.continuum.clientRequestId } : {}),
            subject: caller.subject,
            verb: 'get/logs',
            resource: { kind: t.kind.kind, namespace: t.namespace, name: t.name, subresource: 'logs' },
            outcome: 'allowed',
            status: 200,
            path: req.url.split('?')[0],
            ip: req.ip,
          },
          caller,
        );
        req.continuum!.audited = true;
        return streamLogs(deps, req, reply, current, q);
      }
      // Reads of Secret values are audited like writes.
      if (t.kind.kind === 'Secret') req.continuum!.auditRead = true;
      if (wantsTable(req)) return send(req, reply, 200, toTable(t.kind, [redact(current)], {}, q.includeObject));
      return send(req, reply, 200, redact(current));
    }
    if (verb === 'delete') {
      const body = req.body === undefined || req.body === null ? {} : bodyObject(req.body);
      // The store checks what it uses of the preconditions (uid, resourceVersion).
      const preconditions = body.preconditions as DeleteOptions['preconditions'];
      const gone = await store.delete(t.kind, t.namespace, name!, { preconditions });
      return send(
        req,
        reply,
        gone.metadata.deletionTimestamp && (gone.metadata.finalizers?.length ?? 0) > 0 ? 202 : 200,
        redact(gone),
      );
    }
    if (t.subresource === 'logs') throw new ApiError('MethodNotAllowed', 'logs are read-only');
    if (verb === 'patch' && String(req.headers['content-type'] ?? '').includes('json-patch+json')) {
      const admit = (o: AnyResource): Promise<void> =>
        t.subresource === 'status' ? admitWorkloadStatus(store, o) : Promise.resolve();
      const out = await jsonPatch(store, security, caller, attrs, current, req.body, admit, { dryRun: q.dryRun });
      return send(req, reply, 200, redact(out));
    }
    if (verb === 'update') {
      const input = bodyFor(t, req.body, true);
      await security.authorize(caller, { ...attrs, object: input, oldObject: current });
      if (t.subresource === 'status') await admitWorkloadStatus(store, input as AnyResource);
      const out =
        t.subresource === 'status'
          ? await store.updateStatus(t.kind, input, { dryRun: q.dryRun })
          : await store.update(t.kind, input, { dryRun: q.dryRun });
      return send(req, reply, 200, redact(out));
    }
    return send(
      req,
      reply,
      200,
      redact(
        await mergePatch(
          store,
          security,
          caller,
          attrs,
          current,
          bodyObject(req.body),
          (merged) => (t.subresource === 'status' ? admitWorkloadStatus(store, merged) : Promise.resolve()),
          { dryRun: q.dryRun },
        ),
      ),
    );
  };
}

function lastEventId(req: FastifyRequest): string | undefined {
  const v = req.headers['last-event-id'];
  return typeof v === 'string' && v ? v : undefined;
}

async function streamLogs(
  deps: NativeDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  wl: Workload,
  q: NativeQuery,
): Promise<FastifyReply> {
  if (!deps.logs) throw new ApiError('NotImplemented', 'no log source is configured on this server');
  const ac = new AbortController();
  const lines = deps.logs.logs(wl, {
    follow: !!q.follow,
    tailLines: q.tailLines,
    ...(q.previous ? { previous: true } : {}),
    ...(q.sinceTime !== undefined ? { sinceTime: q.sinceTime } : {}),
    ...(q.sinceSeconds !== undefined ? { sinceTime: Date.now() - q.sinceSeconds * 1000 } : {}),
    signal: ac.signal,
  });
  const stream = openStream(req, reply, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
  // A client that goes away (even one too slow to drain) stops the source and ends this handler.
  stream.res.once('close', () => ac.abort());
  try {
    for await (const line of lines) {
      if (!(await stream.write(line.endsWith('\n') ? line : `${line}\n`))) break;
    }
  } catch (e) {
    if (!ac.signal.aborted) await stream.write(`\n[continuum] log stream ended: ${(e as Error).message}\n`);
  } finally {
    ac.abort();
    stream.end();
  }
  return reply;
}
