// The kind registry: the single source for validation, typed access, routes and the OpenAPI document.
import { Type, type Static, type TSchema } from 'typebox';
import { ObjectMeta, type Resource } from './meta.js';

export const GROUP = 'continuum.eu';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface PrinterColumn {
  name: string;
  /** Dotted JSON path into the object, e.g. "status.phase". */
  path: string;
  /** Shown only with -o wide. */
  wide?: boolean;
}

/**
 * A registered kind. `Spec` and `Status` are the static types of its `spec` and `status` schemas (set by
 * `registerKind`), so typed code gets `Resource<Spec, Status>` back from the store, the client and informers.
 * `KindDef` without arguments (= `AnyKindDef`) is the erased form for code that handles every kind alike.
 */
export interface KindDef<Spec = unknown, Status = unknown> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  spec: TSchema;
  status: TSchema;
  /** The spec may be absent (e.g. kinds that carry only data). */
  specOptional?: boolean;
  columns: PrinterColumn[];
  /** Field paths (besides metadata.name/namespace) usable in field selectors. */
  selectableFields: string[];
  description: string;
  /**
   * Type-level only, never set at run time: carries `Spec` and `Status` so that a `KindDef<SiteSpec, SiteStatus>`
   * is a `KindDef` (covariant) and `ObjectOf<typeof SiteKind>` can recover the object type.
   */
  readonly '~types'?: { spec: Spec; status: Status };
}

/** A kind whose spec and status types are not known statically (registries, generic HTTP handlers, the GC). */
export type AnyKindDef = KindDef<unknown, unknown>;

/** The object type of a kind: `ObjectOf<typeof SiteKind>` is `Resource<SiteSpec, SiteStatus>`. */
export type ObjectOf<K> = K extends KindDef<infer S, infer T> ? Resource<S, T> : never;

/** What `registerKind` takes: the definition without group/version (defaulted) and without the type carrier. */
export type KindInput<SpecSchema extends TSchema, StatusSchema extends TSchema> = Omit<
  KindDef,
  'group' | 'version' | 'spec' | 'status' | '~types'
> & { group?: string; version?: string; spec: SpecSchema; status: StatusSchema };

const byKind = new Map<string, KindDef>();
const byPlural = new Map<string, KindDef>();
const byAlias = new Map<string, KindDef>();

export const apiVersionOf = (k: KindDef): string => `${k.group}/${k.version}`;
/** Storage key for a kind: "<plural>.<group>". */
export const resourceKey = (k: KindDef): string => `${k.plural}.${k.group}`;

/** Registers a kind (names must be unique) and returns its definition, typed by its schemas' static types. */
export function registerKind<SpecSchema extends TSchema, StatusSchema extends TSchema>(
  def: KindInput<SpecSchema, StatusSchema>,
): KindDef<Static<SpecSchema>, Static<StatusSchema>> {
  const full: KindDef<Static<SpecSchema>, Static<StatusSchema>> = { group: GROUP, version: VERSION, ...def };
  if (byKind.has(full.kind)) throw new Error(`kind ${full.kind} registered twice`);
  byKind.set(full.kind, full);
  byPlural.set(full.plural, full);
  for (const alias of [full.kind.toLowerCase(), full.singular, full.plural, ...full.shortNames])
    byAlias.set(alias.toLowerCase(), full);
  return full;
}

export const kindByName = (kind: string): KindDef | undefined => byKind.get(kind);
export const kindByPlural = (plural: string): KindDef | undefined => byPlural.get(plural);
/** Resolves what a CLI user types: "sites", "site", "Site", "st". */
export const kindByAlias = (alias: string): KindDef | undefined =>
  byAlias.get(alias.toLowerCase()) ?? byKind.get(alias);
export const allKinds = (): KindDef[] => [...byKind.values()];

/** Whether `obj` is an object of `kind` (same kind and apiVersion); narrows a generic object to the kind's type. */
export const isObjectOf = <S, T>(kind: KindDef<S, T>, obj: Resource<unknown, unknown>): obj is Resource<S, T> =>
  obj.kind === kind.kind && obj.apiVersion === apiVersionOf(kind);

/** The JSON schema of a whole object of this kind, as clients submit it. */
export function objectSchema(k: KindDef): TSchema {
  return Type.Object(
    {
      apiVersion: Type.Literal(apiVersionOf(k)),
      kind: Type.Literal(k.kind),
      metadata: ObjectMeta,
      spec: k.specOptional ? Type.Optional(k.spec) : k.spec,
      status: Type.Optional(k.status),
    },
    { additionalProperties: false, $id: `${k.group}.${k.version}.${k.kind}` },
  );
}
