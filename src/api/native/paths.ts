// Resolves native API paths (/apis/<group>/<version>/[namespaces/<ns>/]<plural>[/<name>[/<sub>]]) to a kind.
import { ApiError, allKinds, NAME_PATTERN, type KindDef } from '../../model/index.js';

export interface Target {
  kind: KindDef;
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'logs';
}

const NAME = new RegExp(NAME_PATTERN);
const SUBRESOURCES = new Set(['status', 'logs']);

function findKind(group: string, version: string, plural: string): KindDef {
  const k = allKinds().find((d) => d.group === group && d.version === version && d.plural === plural);
  if (!k)
    throw new ApiError('NotFound', `the server could not find the requested resource ${group}/${version}/${plural}`, [
      { field: 'path', message: `unknown resource ${JSON.stringify(plural)}` },
    ]);
  return k;
}

function checkName(what: string, v: string): string {
  if (!NAME.test(v) || v.length > 63)
    throw new ApiError('NotFound', `invalid ${what} ${JSON.stringify(v)} in path`, [
      { field: `path.${what}`, message: 'not a valid name' },
    ]);
  return v;
}

/** `segs` are the path segments after /apis. */
export function resolvePath(segs: string[]): Target {
  if (segs.length < 3)
    throw new ApiError('NotFound', 'no such resource path', [{ field: 'path', message: 'not a resource path' }]);
  const [group, version, ...rest] = segs;
  let namespace: string | undefined;
  let r = rest;
  // namespaces/<ns>/<plural>[...] — but namespaces/<name>/status is the Namespace object's own subresource.
  if (r[0] === 'namespaces' && r.length >= 3 && !(r.length === 3 && SUBRESOURCES.has(r[2]))) {
    namespace = checkName('namespace', decodeURIComponent(r[1]));
    r = r.slice(2);
  }
  if (r.length < 1 || r.length > 3)
    throw new ApiError('NotFound', 'no such resource path', [{ field: 'path', message: 'not a resource path' }]);
  const kind = findKind(group, version, r[0]);
  if (namespace !== undefined && !kind.namespaced)
    throw new ApiError('NotFound', `${kind.kind} is cluster-scoped: use /apis/${group}/${version}/${kind.plural}`, [
      { field: 'path.namespace', message: 'cluster-scoped kind' },
    ]);
  const name = r[1] !== undefined ? checkName('name', decodeURIComponent(r[1])) : undefined;
  let subresource: Target['subresource'];
  if (r[2] !== undefined) {
    if (!SUBRESOURCES.has(r[2]))
      throw new ApiError('NotFound', `unknown subresource ${JSON.stringify(r[2])}`, [
        { field: 'path.subresource', message: 'unknown subresource' },
      ]);
    subresource = r[2] as Target['subresource'];
    if (subresource === 'logs' && kind.kind !== 'Workload')
      throw new ApiError('NotFound', `${kind.kind} has no logs subresource`, [
        { field: 'path.subresource', message: 'no logs' },
      ]);
  }
  return { kind, namespace, name, subresource };
}

/** The canonical path of an object (or collection when name is absent). */
export function objectPath(kind: KindDef, namespace: string | undefined, name?: string): string {
  const base = `/apis/${kind.group}/${kind.version}`;
  const coll =
    kind.namespaced && namespace ? `${base}/namespaces/${namespace}/${kind.plural}` : `${base}/${kind.plural}`;
  return name ? `${coll}/${name}` : coll;
}
