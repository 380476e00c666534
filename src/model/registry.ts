// The kind registry: the single source for validation, typed access, routes and the OpenAPI document.
import { Type, type TSchema } from 'typebox';
import { ObjectMeta } from './meta.js';

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

export interface KindDef {
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
}

const byKind = new Map<string, KindDef>();
const byPlural = new Map<string, KindDef>();
const byAlias = new Map<string, KindDef>();

export const apiVersionOf = (k: KindDef): string => `${k.group}/${k.version}`;
/** Storage key for a kind: "<plural>.<group>". */
export const resourceKey = (k: KindDef): string => `${k.plural}.${k.group}`;

export function registerKind(def: Omit<KindDef, 'group' | 'version'> & { group?: string; version?: string }): KindDef {
  const full: KindDef = { group: GROUP, version: VERSION, ...def };
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
