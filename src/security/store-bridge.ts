// Bridges to the object store: the minimal store surface security needs, Token records over it, and a binding watcher.
import {
  ApiError,
  isApiError,
  type AnyResource,
  type KindDef,
  type Resource,
  type ResourceInput,
} from '../model/index.js';
import { ClusterRoleBindingKind, RoleBindingKind, TokenKind } from './kinds.js';
import type { BindingIndex, ClusterRoleBindingObject, RoleBindingObject } from './rbac/bindings.js';
import type { ObjectCodec } from './secrets/codec.js';
import { validateTokenRecordUpdate, type TokenRecord, type TokenRecordStore } from './token-records.js';

/** The part of src/store's Store that security uses (structural, so either engine fits); typed by the kind. */
export interface SecurityStore {
  get<S, T>(kind: KindDef<S, T>, namespace: string | undefined, name: string): Promise<Resource<S, T> | undefined>;
  create<S, T>(kind: KindDef<S, T>, input: ResourceInput<NoInfer<S>, NoInfer<T>>): Promise<Resource<S, T>>;
  update<S, T>(kind: KindDef<S, T>, input: ResourceInput<NoInfer<S>, NoInfer<T>>): Promise<Resource<S, T>>;
  /** Must fail with ApiError Conflict when input.metadata.resourceVersion is stale. */
  updateStatus<S, T>(kind: KindDef<S, T>, input: ResourceInput<NoInfer<S>, NoInfer<T>>): Promise<Resource<S, T>>;
  list<S, T>(
    kind: KindDef<S, T>,
    opts?: { limit?: number; continue?: string },
  ): Promise<{ items: Resource<S, T>[]; resourceVersion: string; continue?: string }>;
  watch<S, T>(
    kind: KindDef<S, T>,
    opts?: { resourceVersion?: string },
  ): Promise<AsyncIterable<{ type: string; object?: Resource<S, T> }> & { close(): void }>;
  setCodec(kind: string, codec: { encode(o: AnyResource): AnyResource; decode(o: AnyResource): AnyResource }): void;
  addAdmission?(
    a: (
      op: 'create' | 'update' | 'delete',
      kind: KindDef,
      obj: AnyResource,
      old: AnyResource | undefined,
    ) => void | Promise<void>,
  ): void;
}

/**
 * Store admission for security kinds (runs on the decoded object before the codec): a Token
 * record's identity fields are immutable and its revocation cannot be undone; a Secret's
 * ciphertext is server-owned and cannot be submitted.
 */
export function securityAdmission(
  op: 'create' | 'update' | 'delete',
  kind: KindDef,
  obj: AnyResource,
  old: AnyResource | undefined,
): void {
  if (
    kind.kind === 'Secret' &&
    op !== 'delete' &&
    (obj.spec as { encrypted?: unknown } | undefined)?.encrypted !== undefined
  ) {
    throw new ApiError('Invalid', 'Secret is invalid: spec.encrypted is server-owned', [
      { field: 'spec.encrypted', message: 'is server-owned' },
    ]);
  }
  if (kind.kind !== TokenKind.kind || op !== 'update' || !old) return;
  const errors = validateTokenRecordUpdate(old as unknown as TokenRecord, obj as unknown as TokenRecord);
  if (errors.length)
    throw new ApiError('Invalid', `Token is invalid: ${errors[0].field}: ${errors[0].message}`, errors);
}

/** Token records kept as Token objects; markUsed is a compare-and-set on resourceVersion. */
export function storeTokenRecords(store: SecurityStore): TokenRecordStore {
  return {
    get: async (jti) => (await store.get(TokenKind, undefined, jti)) as TokenRecord | undefined,
    create: async (record) => void (await store.create(TokenKind, record)),
    markUsed: async (jti, usedAt, exchangedFor) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const cur = await store.get(TokenKind, undefined, jti);
        if (!cur || cur.spec.revoked || cur.status?.usedAt) return false;
        try {
          await store.updateStatus(TokenKind, { ...cur, status: { ...cur.status, usedAt, exchangedFor } });
          return true;
        } catch (e) {
          if (!isApiError(e, 'Conflict')) throw e;
        }
      }
      return false;
    },
  };
}

/** Registers a codec with the store for one kind. */
export function installCodec(store: SecurityStore, kind: string, codec: ObjectCodec): void {
  store.setCodec(kind, { encode: (o) => codec.encode(o), decode: (o) => codec.decode(o) });
}

/**
 * Keeps `index` equal to the stored RoleBindings and ClusterRoleBindings: list, then watch from the
 * list's revision. On a watch failure (e.g. 410 after compaction) the kind's bindings are dropped
 * and it is listed again after `retryMs` (fail closed: missing bindings mean fewer rights, never
 * more). Resolves once both kinds are listed; returns a stop function.
 */
export async function watchBindings(
  store: SecurityStore,
  index: BindingIndex,
  opts: { retryMs?: number; onError?: (e: unknown) => void } = {},
): Promise<() => void> {
  let stopped = false;
  const open = new Set<{ close(): void }>();
  const run = async (kind: KindDef, ready: () => void): Promise<void> => {
    while (!stopped) {
      const names = new Set<string>();
      const add = (o: AnyResource) => {
        index.upsert(o as unknown as RoleBindingObject | ClusterRoleBindingObject);
        names.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      };
      try {
        let page = await store.list(kind, { limit: 500 });
        const rv = page.resourceVersion;
        page.items.forEach(add);
        while (page.continue) {
          page = await store.list(kind, { limit: 500, continue: page.continue });
          page.items.forEach(add);
        }
        const w = await store.watch(kind, { resourceVersion: rv });
        open.add(w);
        ready();
        for await (const ev of w) {
          const o = ev.object;
          if (!o || ev.type === 'BOOKMARK') continue;
          if (ev.type !== 'DELETED') add(o);
          else {
            index.remove(kind.kind, o.metadata.namespace, o.metadata.name);
            names.delete(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
          }
        }
        open.delete(w);
      } catch (e) {
        opts.onError?.(e);
      }
      for (const id of names) {
        const [ns, name] = id.split('/');
        index.remove(kind.kind, ns || undefined, name);
      }
      ready();
      if (!stopped) await new Promise((r) => setTimeout(r, opts.retryMs ?? 1000).unref());
    }
  };
  await Promise.all(
    [RoleBindingKind, ClusterRoleBindingKind].map((k) => new Promise<void>((ready) => void run(k, ready))),
  );
  return () => {
    stopped = true;
    for (const w of open) w.close();
  };
}
