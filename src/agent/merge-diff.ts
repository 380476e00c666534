// Computes the JSON merge patch (RFC 7386) between two documents, so the agent writes only what changed.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of JSON-like values (undefined members count as absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual(a[k], b[k]));
}

/**
 * The merge patch that turns `from` into `to`, or undefined when they are equal. Objects are diffed
 * member by member (removed members become null); arrays and scalars are replaced whole. `to` must
 * not contain null values (merge patch cannot express them).
 */
export function mergeDiff(from: unknown, to: unknown): Json | undefined {
  if (deepEqual(from, to)) return undefined;
  if (!isPlainObject(to) || !isPlainObject(from)) return structuredClone(to) as Json;
  const patch: Record<string, Json> = {};
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const d = from[k] === undefined ? (structuredClone(v) as Json) : mergeDiff(from[k], v);
    if (d !== undefined) patch[k] = d;
  }
  for (const k of Object.keys(from)) if (from[k] !== undefined && to[k] === undefined) patch[k] = null;
  return Object.keys(patch).length ? patch : undefined;
}
