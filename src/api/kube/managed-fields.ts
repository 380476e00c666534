// Field ownership for server-side apply: field paths of an applied configuration, Kubernetes' FieldsV1 encoding,
// conflicts between managers, and the merge of a configuration into the live object.
import type { ManagedFieldsEntry } from '../../model/index.js';

/** A field path such as ['spec', 'capacity', 'cpu'] or ['metadata', 'labels', 'app']. */
export type FieldPath = string[];
type Obj = Record<string, unknown>;

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Metadata fields a configuration may own: maps are owned per key, lists as a whole. */
const META_MAPS = ['labels', 'annotations'];
const META_ATOMIC = ['finalizers', 'ownerReferences'];

/** Leaf paths of `v` under `prefix`: scalars, lists (atomic, as Kubernetes lists without merge keys) and empty maps. */
function leaves(v: unknown, prefix: FieldPath, out: FieldPath[]): void {
  if (isMap(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) leaves(x, [...prefix, k], out);
  } else out.push(prefix);
}

/** The fields an applied configuration sets: spec, metadata labels/annotations by key, finalizers and owners whole. */
export function fieldsOf(config: Obj): FieldPath[] {
  const out: FieldPath[] = [];
  if (config.spec !== undefined) leaves(config.spec, ['spec'], out);
  const meta = isMap(config.metadata) ? config.metadata : {};
  for (const f of META_MAPS) if (isMap(meta[f])) for (const k of Object.keys(meta[f])) out.push(['metadata', f, k]);
  for (const f of META_ATOMIC) if (meta[f] !== undefined) out.push(['metadata', f]);
  return out;
}

/** FieldsV1: a trie of "f:<name>" keys whose leaves are {}. */
export function toFieldsV1(paths: FieldPath[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let node = root;
    for (const k of p) node = (node[`f:${k}`] ??= {}) as Obj;
  }
  return root;
}

/** The paths a FieldsV1 trie names (its leaves; "." and other non-field keys are ignored). */
export function fromFieldsV1(v: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isMap(v)) return [];
  const keys = Object.keys(v).filter((k) => k.startsWith('f:'));
  if (!keys.length) return prefix.length ? [prefix] : [];
  return keys.flatMap((k) => fromFieldsV1(v[k], [...prefix, k.slice(2)]));
}

export const dotted = (p: FieldPath): string => `.${p.join('.')}`;
const key = (p: FieldPath): string => JSON.stringify(p);
/** One path is the other or lies inside it. */
const overlaps = (a: FieldPath, b: FieldPath): boolean => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

export function getPath(o: unknown, p: FieldPath): unknown {
  let v = o;
  for (const k of p) {
    if (!isMap(v) || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

function deletePath(o: Obj, p: FieldPath): void {
  let v: unknown = o;
  for (const k of p.slice(0, -1)) {
    if (!isMap(v)) return;
    v = v[k];
  }
  if (isMap(v)) delete v[p[p.length - 1]];
}

/** Deep merge: maps merge key by key, anything else (scalars, lists) replaces. */
function merge(into: unknown, from: unknown): unknown {
  if (!isMap(into) || !isMap(from)) return structuredClone(from);
  const out: Obj = { ...into };
  for (const [k, v] of Object.entries(from)) out[k] = merge(into[k], v);
  return out;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface Conflict {
  manager: string;
  path: FieldPath;
}

export interface ApplyPlan {
  /** The live object with the configuration merged in and the manager's dropped fields removed. */
  object: Obj;
  managedFields: ManagedFieldsEntry[];
  conflicts: Conflict[];
}

/**
 * Applies `config` as `manager` to `live` (undefined when creating). A field set by the configuration that another
 * manager owns with a different live value is a conflict; with `force` the manager takes it over. Fields the manager
 * applied before and no longer sets are removed unless another manager owns them. Equal values are shared.
 */
export function planApply(
  live: Obj | undefined,
  config: Obj,
  manager: string,
  opts: { force: boolean; apiVersion: string; now: string },
): ApplyPlan {
  const mine = fieldsOf(config);
  const entries = ((live?.metadata as Obj | undefined)?.managedFields ?? []) as ManagedFieldsEntry[];
  const own = (e: ManagedFieldsEntry): boolean => e.manager === manager && e.operation === 'Apply' && !e.subresource;
  const conflicts: Conflict[] = [];
  const seen = new Set<string>();
  const others = entries
    .filter((e) => !own(e))
    .map((e) => {
      const paths = fromFieldsV1(e.fieldsV1);
      const kept = paths.filter((q) => {
        const hit = mine.find((p) => overlaps(p, q));
        if (!hit) return true;
        // The longer path decides: the configuration's value there against the live one.
        const at = hit.length >= q.length ? hit : q;
        if (same(getPath(config, at), getPath(live, at))) return true;
        if (!seen.has(`${e.manager}|${key(at)}`)) conflicts.push({ manager: e.manager, path: at });
        seen.add(`${e.manager}|${key(at)}`);
        return false;
      });
      return { entry: e, paths: opts.force ? kept : paths };
    });
  const previous = fromFieldsV1(entries.find(own)?.fieldsV1);
  let object = structuredClone(live ?? {}) as Obj;
  const mineKeys = new Set(mine.map(key));
  for (const p of previous) {
    if (mineKeys.has(key(p)) || mine.some((m) => overlaps(m, p))) continue;
    if (others.some((o) => o.paths.some((q) => overlaps(p, q)))) continue;
    deletePath(object, p);
  }
  const { status: _s, metadata: cm, ...rest } = config;
  object = merge(object, rest) as Obj;
  const meta = { ...((object.metadata as Obj | undefined) ?? {}) };
  const cmeta = isMap(cm) ? cm : {};
  for (const f of META_MAPS) if (isMap(cmeta[f])) meta[f] = merge(meta[f], cmeta[f]);
  for (const f of META_ATOMIC) if (cmeta[f] !== undefined) meta[f] = structuredClone(cmeta[f]);
  for (const f of ['name', 'namespace']) if (cmeta[f] !== undefined) meta[f] = cmeta[f];
  object.metadata = meta;

  const fieldsV1 = toFieldsV1(mine);
  const old = entries.find(own);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: opts.apiVersion,
    // An unchanged field set keeps its time, so re-applying the same configuration writes nothing.
    time: old && same(old.fieldsV1, fieldsV1) && old.time ? old.time : opts.now,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  const managedFields: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const e of entries) {
    if (own(e)) {
      managedFields.push(entry);
      placed = true;
      continue;
    }
    const o = others.find((x) => x.entry === e)!;
    if (o.paths.length) managedFields.push({ ...e, fieldsV1: toFieldsV1(o.paths) });
  }
  if (!placed) managedFields.push(entry);
  return { object, managedFields, conflicts };
}

/** Kubernetes' wording: `Apply failed with 2 conflicts: conflict with "a": .spec.x` (one line per manager). */
export function conflictMessage(conflicts: Conflict[]): string {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), dotted(c.path)]);
  const parts = [...byManager].map(([m, ps]) =>
    ps.length === 1 ? `conflict with "${m}": ${ps[0]}` : `conflicts with "${m}":\n- ${ps.join('\n- ')}`,
  );
  const n = conflicts.length;
  return `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`;
}
