// Object metadata, conditions and the generic resource envelope shared by every kind (KRM).
import { Type, type Static } from 'typebox';

/** DNS-1123 label-ish names: lower-case alphanumerics and '-', max 63. */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const Name = Type.String({ pattern: NAME_PATTERN, minLength: 1, maxLength: 63 });
const LabelKey = '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
const LabelValue = Type.String({ pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', maxLength: 63 });

export const OwnerReference = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1 }),
    kind: Type.String({ minLength: 1 }),
    name: Name,
    uid: Type.String({ minLength: 1 }),
    controller: Type.Optional(Type.Boolean()),
    blockOwnerDeletion: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OwnerReference = Static<typeof OwnerReference>;

/**
 * Server-side apply's record of who set which fields (Kubernetes' ManagedFieldsEntry; `fieldsV1` is a FieldsV1
 * trie such as {"f:spec": {"f:replicas": {}}}). Written only by the server; what clients send is ignored.
 */
export const ManagedFieldsEntry = Type.Object(
  {
    manager: Type.String({ maxLength: 128 }),
    operation: Type.Union([Type.Literal('Apply'), Type.Literal('Update')]),
    apiVersion: Type.Optional(Type.String({ maxLength: 128 })),
    time: Type.Optional(Type.String({ maxLength: 64 })),
    fieldsType: Type.Optional(Type.Literal('FieldsV1')),
    fieldsV1: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    subresource: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ManagedFieldsEntry = Static<typeof ManagedFieldsEntry>;

/** What a client may send in metadata; server-owned fields are accepted but overwritten. */
export const ObjectMeta = Type.Object(
  {
    name: Name,
    namespace: Type.Optional(Name),
    uid: Type.Optional(Type.String()),
    resourceVersion: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    creationTimestamp: Type.Optional(Type.String()),
    deletionTimestamp: Type.Optional(Type.String()),
    labels: Type.Optional(
      Type.Record(Type.String({ pattern: LabelKey, maxLength: 253 }), LabelValue, {
        additionalProperties: false,
        maxProperties: 64,
      }),
    ),
    annotations: Type.Optional(Type.Record(Type.String({ maxLength: 253 }), Type.String({ maxLength: 65536 }))),
    finalizers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 32 })),
    ownerReferences: Type.Optional(Type.Array(OwnerReference, { maxItems: 16 })),
    managedFields: Type.Optional(Type.Array(ManagedFieldsEntry, { maxItems: 32 })),
  },
  { additionalProperties: false },
);
export type ObjectMeta = Static<typeof ObjectMeta>;

export const ConditionStatus = Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]);
export const Condition = Type.Object(
  {
    type: Type.String({ minLength: 1 }),
    status: ConditionStatus,
    reason: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    lastTransitionTime: Type.Optional(Type.String()),
    observedGeneration: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export type Condition = Static<typeof Condition>;
export const Conditions = Type.Array(Condition, { maxItems: 32 });

/** The generic shape every stored object has. Spec and status are kind-specific. */
export interface Resource<S = Record<string, unknown>, T = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { uid: string; resourceVersion: string; generation: number; creationTimestamp: string };
  spec: S;
  status?: T;
}

/** An object as a client submits it (server-owned metadata optional). */
export interface ResourceInput<S = Record<string, unknown>, T = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: S;
  status?: T;
}

/**
 * An object of a kind not known statically: spec and status are `unknown` and must be narrowed before use.
 * For code that handles every kind alike (store internals, generic HTTP handlers, the garbage collector);
 * typed code uses the kind's alias (`Site`, `Workload`, ...) or `ObjectOf<typeof SiteKind>`.
 */
export type AnyResource = Resource<unknown, unknown>;

/** Sets or replaces one condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(conditions: Condition[] | undefined, next: Condition, now: string): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const merged: Condition = {
    ...next,
    lastTransitionTime: prev && prev.status === next.status ? (prev.lastTransitionTime ?? now) : now,
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
