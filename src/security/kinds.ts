// Registers the security kinds (Secret, RoleBinding, ClusterRoleBinding, Token) with the model registry.
import { Type, type Static } from 'typebox';
import { Name, registerKind, type Resource } from '../model/index.js';
import { BINDABLE_CLUSTER_ROLES, ROLES, TENANT_ROLES } from './principal.js';

/** A string enum whose static type is the union of `xs` (a plain mapped Union loses the literal types). */
const literals = <T extends string>(xs: readonly T[]) => Type.Unsafe<T>(Type.Union(xs.map((x) => Type.Literal(x))));
const Timestamp = Type.String({ minLength: 1, maxLength: 64 });
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 1_400_000 });
const SecretKeyName = Type.String({ pattern: '^[-._a-zA-Z0-9]+$', minLength: 1, maxLength: 253 });

/** The at-rest form of a Secret's values (see secrets/codec.ts); opaque to everyone but the codec. */
export const EncryptedPayload = Type.Object(
  {
    alg: Type.Literal('A256GCM'),
    /** Id of the key-encryption key that wrapped `wrappedKey`. */
    kid: Type.String({ minLength: 1, maxLength: 128 }),
    wrappedKey: Base64,
    wrapIv: Base64,
    wrapTag: Base64,
    iv: Base64,
    tag: Base64,
    ciphertext: Base64,
  },
  { additionalProperties: false },
);
export type EncryptedPayload = Static<typeof EncryptedPayload>;

/**
 * Secret payload. Clients send `data` (base64 values) and/or `stringData` (plain strings); the
 * store only ever holds `encrypted` + `keys`. Readers with value access get `data` back.
 */
export const SecretSpec = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 253 })),
    // additionalProperties: false makes the key pattern binding (a pattern Record alone lets other keys through).
    data: Type.Optional(Type.Record(SecretKeyName, Base64, { additionalProperties: false })),
    stringData: Type.Optional(
      Type.Record(SecretKeyName, Type.String({ maxLength: 1_048_576 }), { additionalProperties: false }),
    ),
    /** Names of the entries (never values); maintained by the codec, shown to everyone who may list. */
    keys: Type.Optional(Type.Array(SecretKeyName, { maxItems: 1024 })),
    encrypted: Type.Optional(EncryptedPayload),
  },
  { additionalProperties: false },
);
export type SecretSpec = Static<typeof SecretSpec>;

/** Informational, added on read: which key-encryption key protects the values (never stored). */
export const SecretStatus = Type.Object(
  { keyId: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);
export type SecretStatus = Static<typeof SecretStatus>;
const EmptyStatus = Type.Object({}, { additionalProperties: false });
type EmptyStatus = Static<typeof EmptyStatus>;

export const Subject = Type.Object(
  {
    kind: Type.Union([Type.Literal('User'), Type.Literal('Group')]),
    /** A user's principal subject (e.g. "alice" or "corp-idp:alice") or a group name. */
    name: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type Subject = Static<typeof Subject>;

/** Grants a tenant role inside the binding's own namespace. */
export const RoleBindingSpec = Type.Object(
  { role: literals(TENANT_ROLES), subjects: Type.Array(Subject, { minItems: 1, maxItems: 256 }) },
  { additionalProperties: false },
);
export type RoleBindingSpec = Static<typeof RoleBindingSpec>;

/** Grants a role in every namespace and on cluster-scoped kinds. */
export const ClusterRoleBindingSpec = Type.Object(
  { role: literals(BINDABLE_CLUSTER_ROLES), subjects: Type.Array(Subject, { minItems: 1, maxItems: 256 }) },
  { additionalProperties: false },
);
export type ClusterRoleBindingSpec = Static<typeof ClusterRoleBindingSpec>;

/**
 * The record of an issued built-in token; metadata.name is the token's jti. It never holds the
 * token itself. A token is valid only while its record exists and `revoked` is not true.
 */
export const TokenSpec = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 256 }),
    principalKind: literals(['user', 'agent', 'service'] as const),
    role: literals(ROLES),
    tenant: Type.Optional(Name),
    /** For agent credentials and bootstrap tokens: the site they are bound to. */
    site: Type.Optional(Name),
    /** `bootstrap` tokens are single-use and only good for exchanging into an agent credential. */
    purpose: literals(['access', 'bootstrap'] as const),
    singleUse: Type.Optional(Type.Boolean()),
    issuer: Type.String({ minLength: 1, maxLength: 256 }),
    keyId: Type.String({ minLength: 1, maxLength: 128 }),
    issuedAt: Timestamp,
    notBefore: Timestamp,
    expiresAt: Timestamp,
    description: Type.Optional(Type.String({ maxLength: 256 })),
    /** One-way: once true it may not be set back (see validateTokenRecordUpdate). */
    revoked: Type.Optional(Type.Boolean()),
    revokedAt: Type.Optional(Timestamp),
    revokedReason: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type TokenSpec = Static<typeof TokenSpec>;

export const TokenStatus = Type.Object(
  {
    /** When a single-use token was consumed. */
    usedAt: Type.Optional(Timestamp),
    /** jti of the agent credential a bootstrap token was exchanged for. */
    exchangedFor: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type TokenStatus = Static<typeof TokenStatus>;

const age = { name: 'AGE', path: 'metadata.creationTimestamp' };

export const SecretKind = registerKind({
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  namespaced: true,
  spec: SecretSpec,
  status: SecretStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'TYPE', path: 'spec.type' },
    { name: 'KEYS', path: 'spec.keys' },
    { name: 'KEY ID', path: 'status.keyId', wide: true },
    age,
  ],
  selectableFields: ['spec.type'],
  description: 'Confidential values, encrypted at rest; values are shown only to roles that may read them.',
});

export const RoleBindingKind = registerKind({
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  shortNames: ['rb'],
  namespaced: true,
  spec: RoleBindingSpec,
  status: EmptyStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'ROLE', path: 'spec.role' },
    { name: 'SUBJECTS', path: 'spec.subjects[*].name' },
    age,
  ],
  selectableFields: ['spec.role'],
  description: 'Grants a tenant role to users or groups inside one namespace.',
});

export const ClusterRoleBindingKind = registerKind({
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  shortNames: ['crb'],
  namespaced: false,
  spec: ClusterRoleBindingSpec,
  status: EmptyStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'ROLE', path: 'spec.role' },
    { name: 'SUBJECTS', path: 'spec.subjects[*].name' },
    age,
  ],
  selectableFields: ['spec.role'],
  description: 'Grants a role cluster-wide to users or groups.',
});

export const TokenKind = registerKind({
  kind: 'Token',
  plural: 'tokens',
  singular: 'token',
  shortNames: ['tok'],
  namespaced: false,
  spec: TokenSpec,
  status: TokenStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'SUBJECT', path: 'spec.subject' },
    { name: 'ROLE', path: 'spec.role' },
    { name: 'TENANT', path: 'spec.tenant' },
    { name: 'SITE', path: 'spec.site' },
    { name: 'PURPOSE', path: 'spec.purpose', wide: true },
    { name: 'EXPIRES', path: 'spec.expiresAt' },
    { name: 'REVOKED', path: 'spec.revoked' },
    { name: 'USED', path: 'status.usedAt', wide: true },
  ],
  selectableFields: ['spec.subject', 'spec.role', 'spec.tenant', 'spec.site', 'spec.purpose'],
  description: 'The record of an issued API token (never the token itself); delete or revoke it to revoke the token.',
});

/** Typed objects of the security kinds. */
export type Secret = Resource<SecretSpec, SecretStatus>;
export type RoleBinding = Resource<RoleBindingSpec, EmptyStatus>;
export type ClusterRoleBinding = Resource<ClusterRoleBindingSpec, EmptyStatus>;
export type Token = Resource<TokenSpec, TokenStatus>;

/** Kinds whose objects hand out permissions; writing them is checked against the writer's own rights. */
export const GRANTING_KINDS = ['RoleBinding', 'ClusterRoleBinding', 'Token'] as const;
