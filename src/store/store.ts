// The Store: Kubernetes object semantics (metadata, generation, finalizers, preconditions, status) over a Backend.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  apiVersionOf,
  assertValid,
  resourceKey,
  type AnyResource,
  type KindDef,
  type ManagedFieldsEntry,
  type Resource,
  type ResourceInput,
} from '../model/index.js';
import { metrics, secondsSince } from '../lib/metrics/index.js';
import { activeTraceparent, noteWrite } from '../lib/tracing/index.js';
import { PreconditionFailed, type Backend, type ObjectKey } from './backend.js';
import { guardBackend } from './unavailable.js';
import { applyObject, type ApplyResult } from './apply.js';
import { listObjects, type ListResult } from './list.js';
import { jsonEqual, mergePatch } from './merge-patch.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { WatchHub, type Watch, type WatchEvent } from './watch.js';
import { HistoryRetention, type RetentionOptions } from './retention.js';

/** Transforms objects of one kind on their way to and from the backend (e.g. encryption at rest). */
export interface ObjectCodec {
  encode(obj: AnyResource): AnyResource;
  decode(obj: AnyResource): AnyResource;
}

export type AdmissionOp = 'create' | 'update' | 'delete';
/** Checks a write before it is committed; throws ApiError to refuse. */
export type Admission = (
  op: AdmissionOp,
  kind: KindDef,
  obj: AnyResource,
  old: AnyResource | undefined,
  store: Store,
) => Promise<void> | void;

export interface StoreOptions {
  clock?: () => Date;
  uid?: () => string;
  codecs?: Record<string, ObjectCodec>;
  admission?: Admission[];
  watchPollMs?: number;
  bookmarkMs?: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** Extra predicate on each object (e.g. what the caller may see). */
  filter?: (obj: AnyResource) => boolean;
}

export interface WatchOptions extends ListOptions {
  /** Events after this revision; undefined starts with ADDED events for the current state. */
  resourceVersion?: string;
}

/** `dryRun`: validate and admit as for a real write, return the would-be object, store nothing. */
export interface WriteOptions {
  dryRun?: boolean;
  /** Server-side apply's field ownership to store (metadata.managedFields sent by clients is never stored). */
  managedFields?: ManagedFieldsEntry[];
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

const MAX_RETRIES = 8;

function parseRevision(rv: string | undefined, field: string): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(rv))
    throw new ApiError('BadRequest', `invalid resourceVersion ${JSON.stringify(rv)}`, [
      { field, message: 'must be a decimal revision' },
    ]);
  return Number(rv);
}

export class Store {
  readonly hub: WatchHub;
  private readonly clock: () => Date;
  private readonly uid: () => string;
  private readonly codecs: Record<string, ObjectCodec>;
  private readonly admission: Admission[];

  /** The engine, guarded: its outages (connection lost, disk full, busy) surface as 503 + Retry-After. */
  readonly backend: Backend;

  constructor(backend: Backend, opts: StoreOptions = {}) {
    backend = guardBackend(backend);
    this.backend = backend;
    this.clock = opts.clock ?? (() => new Date());
    this.uid = opts.uid ?? randomUUID;
    this.codecs = opts.codecs ?? {};
    this.admission = opts.admission ?? [];
    this.hub = new WatchHub(backend, (o) => this.decodeTolerant(o), {
      pollMs: opts.watchPollMs,
      bookmarkMs: opts.bookmarkMs,
    });
  }

  /** Bounds the event history by revisions and bytes (off until started; the control plane starts it). */
  retention: HistoryRetention | undefined;

  startRetention(opts: RetentionOptions = {}): HistoryRetention {
    this.retention ??= new HistoryRetention(this.backend, opts);
    return this.retention;
  }

  addAdmission(a: Admission): void {
    this.admission.push(a);
  }

  setCodec(kind: string, codec: ObjectCodec): void {
    this.codecs[kind] = codec;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private decode = (o: AnyResource): AnyResource => {
    const c = this.codecs[o.kind];
    return c ? c.decode(o) : o;
  };

  /** Objects that could not be decoded in lists and watches since start (e.g. a Secret under a lost key). */
  decodeFailures = 0;

  /**
   * For lists and watches: one object that cannot be decoded must not fail the others. It is returned with its
   * metadata only and a condition Decoded=False saying why; reading it by name still fails with the clear error.
   */
  private decodeTolerant = (o: AnyResource): AnyResource => {
    try {
      return this.decode(o);
    } catch (e) {
      this.decodeFailures++;
      const message = e instanceof Error ? e.message : String(e);
      return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: o.metadata,
        status: { conditions: [{ type: 'Decoded', status: 'False', reason: 'DecodeFailed', message }] },
      } as AnyResource;
    }
  };

  private encode(o: AnyResource): AnyResource {
    const c = this.codecs[o.kind];
    return c ? c.encode(o) : o;
  }

  private key(kind: KindDef, namespace: string | undefined, name: string): ObjectKey {
    if (kind.namespaced && !namespace)
      throw new ApiError('BadRequest', `${kind.kind} is namespaced: a namespace is required`, [
        { field: 'metadata.namespace', message: 'required for namespaced kinds' },
      ]);
    return { resource: resourceKey(kind), namespace: kind.namespaced ? namespace! : '', name };
  }

  private async admit(op: AdmissionOp, kind: KindDef, obj: AnyResource, old: AnyResource | undefined): Promise<void> {
    for (const a of this.admission) await a(op, kind, obj, old, this);
  }

  private async commitRaw(m: Parameters<Backend['commit']>[0]): Promise<AnyResource> {
    const plain = m.object;
    const encoded = this.encode(structuredClone(plain));
    const started = performance.now();
    const rev = await this.backend.commit({ ...m, object: encoded } as typeof m);
    if (this.retention) this.retention.noteWrite(Buffer.byteLength(JSON.stringify(encoded)));
    metrics.storeWriteDuration.observe({ op: m.op }, secondsSince(started));
    plain.metadata.resourceVersion = String(rev);
    // A write made inside a traced span (a reconcile) carries that trace to whoever watches this revision (agents).
    const tp = activeTraceparent();
    if (tp) noteWrite(plain.kind, plain.metadata.namespace, plain.metadata.name, tp, plain.metadata.resourceVersion);
    return plain;
  }

  /** Typed by the kind: `create(SiteKind, …)` takes a Site's spec and returns a `Site`. */
  async create<S, T>(
    kind: KindDef<S, T>,
    input: ResourceInput<NoInfer<S>, NoInfer<T>>,
    opts: WriteOptions = {},
  ): Promise<Resource<S, T>> {
    assertValid(kind, input);
    if (input.metadata.resourceVersion)
      throw new ApiError('BadRequest', 'metadata.resourceVersion must not be set on create', [
        { field: 'metadata.resourceVersion', message: 'must not be set on create' },
      ]);
    if (!kind.namespaced && input.metadata.namespace)
      throw new ApiError('BadRequest', `${kind.kind} is cluster-scoped: metadata.namespace must be empty`, [
        { field: 'metadata.namespace', message: 'must be empty for cluster-scoped kinds' },
      ]);
    const key = this.key(kind, input.metadata.namespace, input.metadata.name);
    const {
      uid: _u,
      resourceVersion: _r,
      generation: _g,
      creationTimestamp: _c,
      deletionTimestamp: _d,
      managedFields: _m,
      ...meta
    } = input.metadata;
    const obj: AnyResource = {
      apiVersion: apiVersionOf(kind),
      kind: kind.kind,
      metadata: {
        ...meta,
        ...(kind.namespaced ? { namespace: key.namespace } : {}),
        uid: this.uid(),
        resourceVersion: '0',
        generation: 1,
        creationTimestamp: this.now(),
        ...(opts.managedFields ? { managedFields: structuredClone(opts.managedFields) } : {}),
      },
      spec: structuredClone(input.spec ?? {}),
      ...(input.status ? { status: structuredClone(input.status) } : {}),
    };
    await this.admit('create', kind, obj, undefined);
    if (opts.dryRun) {
      if (await this.backend.get(key))
        throw new ApiError(
          'AlreadyExists',
          `${kind.kind} ${JSON.stringify(key.name)} already exists${key.namespace ? ` in namespace ${key.namespace}` : ''}`,
          [{ field: 'metadata.name', message: 'already exists' }],
        );
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } } as Resource<S, T>;
    }
    try {
      return (await this.commitRaw({ op: 'create', key, object: obj })) as Resource<S, T>;
    } catch (e) {
      if (e instanceof PreconditionFailed)
        throw new ApiError(
          'AlreadyExists',
          `${kind.kind} ${JSON.stringify(key.name)} already exists${key.namespace ? ` in namespace ${key.namespace}` : ''}`,
          [{ field: 'metadata.name', message: 'already exists' }],
        );
      throw e;
    }
  }

  /** The stored object; typed by the kind, as every stored object passed its kind's schema. */
  async get<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
  ): Promise<Resource<S, T> | undefined> {
    const row = await this.backend.get(this.key(kind, namespace, name));
    return row ? (this.decode(row.object) as Resource<S, T>) : undefined;
  }

  async mustGet<S, T>(kind: KindDef<S, T>, namespace: string | undefined, name: string): Promise<Resource<S, T>> {
    const obj = await this.get(kind, namespace, name);
    if (!obj)
      throw new ApiError(
        'NotFound',
        `${kind.kind} ${JSON.stringify(name)} not found${kind.namespaced && namespace ? ` in namespace ${namespace}` : ''}`,
      );
    return obj;
  }

  async list<S, T>(kind: KindDef<S, T>, opts: ListOptions = {}): Promise<ListResult<Resource<S, T>>> {
    return listObjects<Resource<S, T>>(
      this.backend,
      {
        resource: resourceKey(kind),
        namespace: kind.namespaced ? opts.namespace : undefined,
        labels: parseLabelSelector(opts.labelSelector),
        fields: parseFieldSelector(opts.fieldSelector, [
          'metadata.name',
          'metadata.namespace',
          ...kind.selectableFields,
        ]),
        limit: opts.limit,
        continueToken: opts.continue,
        filter: opts.filter,
      },
      this.decodeTolerant,
    );
  }

  /**
   * Replaces spec and user metadata (labels, annotations, finalizers, ownerReferences). With
   * metadata.resourceVersion set, fails with Conflict unless it is current; without, last write wins.
   */
  async update<S, T>(
    kind: KindDef<S, T>,
    input: ResourceInput<NoInfer<S>, NoInfer<T>>,
    opts: WriteOptions = {},
  ): Promise<Resource<S, T>> {
    return this.mutate<S, T>(
      kind,
      input.metadata.namespace,
      input.metadata.name,
      input.metadata.resourceVersion,
      input.metadata.uid,
      (cur) => {
        const next = structuredClone(cur);
        next.spec = structuredClone(input.spec ?? {});
        const m = input.metadata;
        for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
          if (m[f] === undefined) delete next.metadata[f];
          else (next.metadata as any)[f] = structuredClone(m[f]);
        }
        if (opts.managedFields) next.metadata.managedFields = structuredClone(opts.managedFields);
        return next;
      },
      input,
      opts,
    );
  }

  /** Replaces status only; spec and metadata are untouched. */
  async updateStatus<S, T>(
    kind: KindDef<S, T>,
    input: ResourceInput<NoInfer<S>, NoInfer<T>>,
    opts: WriteOptions = {},
  ): Promise<Resource<S, T>> {
    return this.mutate<S, T>(
      kind,
      input.metadata.namespace,
      input.metadata.name,
      input.metadata.resourceVersion,
      input.metadata.uid,
      (cur) => {
        const next = structuredClone(cur);
        if (input.status === undefined) delete next.status;
        else next.status = structuredClone(input.status);
        return next;
      },
      input,
      opts,
    );
  }

  /** JSON merge patch of the object (or of its status with subresource 'status'). */
  async patch<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: 'status',
    opts: WriteOptions = {},
  ): Promise<Resource<S, T>> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw new ApiError('BadRequest', 'a merge patch must be a JSON object', [
        { field: '(root)', message: 'must be an object' },
      ]);
    const p = patch as Record<string, any>;
    const rv = typeof p.metadata?.resourceVersion === 'string' ? p.metadata.resourceVersion : undefined;
    return this.mutate<S, T>(
      kind,
      namespace,
      name,
      rv,
      undefined,
      (cur) => {
        const merged = mergePatch(cur, p) as AnyResource;
        const next = structuredClone(cur);
        if (subresource === 'status') next.status = merged.status;
        else {
          next.spec = merged.spec;
          for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
            if (merged.metadata?.[f] === undefined) delete next.metadata[f];
            else (next.metadata as any)[f] = merged.metadata[f];
          }
        }
        for (const f of ['apiVersion', 'kind'] as const) {
          if (merged[f] !== cur[f])
            throw new ApiError('Invalid', `${f} cannot be changed`, [{ field: f, message: 'immutable' }]);
        }
        for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
          if (p.metadata?.[f] !== undefined && p.metadata[f] !== (cur.metadata as any)[f])
            throw new ApiError('Invalid', `metadata.${f} cannot be changed`, [
              { field: `metadata.${f}`, message: 'immutable' },
            ]);
        }
        return next;
      },
      { apiVersion: p.apiVersion },
      opts,
    );
  }

  /** Create-or-update of spec and user metadata; idempotent (no new revision when nothing changes). */
  apply<S, T>(
    kind: KindDef<S, T>,
    input: ResourceInput<NoInfer<S>, NoInfer<T>>,
    opts: WriteOptions = {},
  ): Promise<{ object: Resource<S, T>; result: ApplyResult }> {
    return applyObject(this, kind, input, opts);
  }

  /**
   * Deletes, or with finalizers pending marks the object with deletionTimestamp (it disappears when the
   * last finalizer is removed). Returns the object's last state.
   */
  async delete<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): Promise<Resource<S, T>> {
    const key = this.key(kind, namespace, name);
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.mustGet(kind, namespace, name);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid)
        throw new ApiError('Conflict', `precondition failed: uid is ${cur.metadata.uid}, not ${pre.uid}`, [
          { field: 'preconditions.uid', message: 'does not match' },
        ]);
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion)
        throw new ApiError(
          'Conflict',
          `precondition failed: resourceVersion is ${cur.metadata.resourceVersion}, not ${pre.resourceVersion}`,
          [{ field: 'preconditions.resourceVersion', message: 'does not match' }],
        );
      const expected = Number(cur.metadata.resourceVersion);
      try {
        if (cur.metadata.finalizers?.length) {
          if (cur.metadata.deletionTimestamp) return cur;
          const next = structuredClone(cur);
          next.metadata.deletionTimestamp = this.now();
          next.metadata.generation += 1;
          await this.admit('delete', kind, next, cur);
          return (await this.commitRaw({ op: 'update', key, expectedRevision: expected, object: next })) as Resource<
            S,
            T
          >;
        }
        await this.admit('delete', kind, cur, cur);
        return (await this.commitRaw({
          op: 'delete',
          key,
          expectedRevision: expected,
          object: structuredClone(cur),
        })) as Resource<S, T>;
      } catch (e) {
        if (e instanceof PreconditionFailed) {
          if (e.reason === 'missing') throw new ApiError('NotFound', `${kind.kind} ${JSON.stringify(name)} not found`);
          if (pre?.resourceVersion) throw new ApiError('Conflict', `${kind.kind} ${name} was modified concurrently`);
          continue;
        }
        throw e;
      }
    }
    throw new ApiError('Conflict', 'too many concurrent writers; retry');
  }

  /** Read-modify-write with optimistic concurrency. `rv` given → one attempt, Conflict on mismatch. */
  private async mutate<S, T>(
    kind: KindDef<S, T>,
    namespace: string | undefined,
    name: string,
    rv: string | undefined,
    uid: string | undefined,
    change: (cur: AnyResource) => AnyResource,
    input: { apiVersion?: unknown },
    opts: WriteOptions = {},
  ): Promise<Resource<S, T>> {
    const want = parseRevision(rv, 'metadata.resourceVersion');
    if (input.apiVersion !== undefined && input.apiVersion !== apiVersionOf(kind)) {
      throw new ApiError('Invalid', `apiVersion must be ${apiVersionOf(kind)}`, [
        { field: 'apiVersion', message: `must be ${JSON.stringify(apiVersionOf(kind))}` },
      ]);
    }
    const key = this.key(kind, namespace, name);
    for (let i = 0; i < MAX_RETRIES; i++) {
      const cur = await this.mustGet(kind, namespace, name);
      if (want !== undefined && String(want) !== cur.metadata.resourceVersion) {
        throw new ApiError(
          'Conflict',
          `${kind.kind} ${JSON.stringify(name)} has been modified: resourceVersion is ${cur.metadata.resourceVersion}, not ${want}; re-read and retry`,
          [{ field: 'metadata.resourceVersion', message: 'stale' }],
        );
      }
      if (uid && uid !== cur.metadata.uid)
        throw new ApiError('Conflict', `uid mismatch: ${kind.kind} ${name} was recreated`, [
          { field: 'metadata.uid', message: 'does not match' },
        ]);
      const next = change(cur);
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      if (cur.metadata.deletionTimestamp) {
        const added = (next.metadata.finalizers ?? []).filter((f) => !(cur.metadata.finalizers ?? []).includes(f));
        if (added.length)
          throw new ApiError('Invalid', 'finalizers cannot be added to an object being deleted', [
            { field: 'metadata.finalizers', message: 'cannot add while deleting' },
          ]);
      }
      if (!jsonEqual(next.spec, cur.spec)) next.metadata.generation = cur.metadata.generation + 1;
      if (jsonEqual(next, cur)) return cur;
      assertValid(kind, next);
      await this.admit('update', kind, next, cur);
      if (opts.dryRun) return next as Resource<S, T>;
      const expected = Number(cur.metadata.resourceVersion);
      try {
        const op = cur.metadata.deletionTimestamp && !next.metadata.finalizers?.length ? 'delete' : 'update';
        // `next` passed the kind's schema just above.
        return (await this.commitRaw({ op, key, expectedRevision: expected, object: next })) as Resource<S, T>;
      } catch (e) {
        if (e instanceof PreconditionFailed) {
          if (e.reason === 'missing') throw new ApiError('NotFound', `${kind.kind} ${JSON.stringify(name)} not found`);
          if (want !== undefined)
            throw new ApiError(
              'Conflict',
              `${kind.kind} ${JSON.stringify(name)} was modified concurrently; re-read and retry`,
              [{ field: 'metadata.resourceVersion', message: 'stale' }],
            );
          continue;
        }
        throw e;
      }
    }
    throw new ApiError('Conflict', 'too many concurrent writers; retry');
  }

  /**
   * Watches a kind (or every kind with `kind` undefined). Without resourceVersion the stream starts with
   * ADDED events for the current matching objects.
   */
  async watch<S, T>(kind: KindDef<S, T> | undefined, opts: WatchOptions = {}): Promise<Watch<Resource<S, T>>> {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...(kind?.selectableFields ?? []),
    ]);
    const filter = {
      resource: kind ? resourceKey(kind) : undefined,
      namespace: kind && !kind.namespaced ? undefined : opts.namespace,
      labels,
      fields,
      filter: opts.filter,
    };
    const from = parseRevision(opts.resourceVersion, 'resourceVersion');
    // The filter admits only objects of `kind`, so the events carry Resource<S, T>.
    const typed = (w: Watch): Watch<Resource<S, T>> => w as Watch<Resource<S, T>>;
    if (from !== undefined && from > 0) return typed(await this.hub.watch(filter, from));
    if (!kind) {
      // Every kind: start at the current revision without replaying state.
      return typed(await this.hub.watch(filter, await this.backend.revision()));
    }
    const page = await listObjects(
      this.backend,
      { resource: filter.resource!, namespace: filter.namespace, labels, fields, filter: opts.filter },
      this.decodeTolerant,
    );
    const initial: WatchEvent[] = page.items.map((object) => ({ type: 'ADDED', object }));
    return typed(await this.hub.watch(filter, Number(page.resourceVersion), initial));
  }

  revision(): Promise<number> {
    return this.backend.revision();
  }

  async close(): Promise<void> {
    await this.retention?.stop();
    this.hub.close();
    await this.backend.close();
  }
}
