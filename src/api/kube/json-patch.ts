// RFC 6902 JSON Patch (application/json-patch+json): pure application of an operation list to a JSON document.
import { ApiError } from '../../model/index.js';

type Json = unknown;
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const MAX_OPS = 1000;

const bad = (i: number, message: string, code: 'BadRequest' | 'Invalid' = 'BadRequest'): ApiError =>
  new ApiError(code, `JSON patch operation ${i}: ${message}`, [{ field: `patch[${i}]`, message }]);

/** RFC 6901 pointer → reference tokens ("" is the whole document). */
function tokens(pointer: unknown, i: number): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/')))
    throw bad(i, 'path must be a JSON pointer ("" or starting with "/")');
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, j) => equal(x, b[j]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** The container holding the last token, and that token; throws when an intermediate step is missing. */
function parentOf(doc: Json, toks: string[], i: number): { parent: Json; key: string } {
  let cur = doc;
  for (const t of toks.slice(0, -1)) {
    if (t === '__proto__') throw bad(i, 'path may not name __proto__');
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < cur.length) cur = cur[Number(t)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw bad(i, `path ${JSON.stringify('/' + toks.join('/'))} does not exist`, 'Invalid');
  }
  const key = toks[toks.length - 1];
  if (key === '__proto__') throw bad(i, 'path may not name __proto__');
  return { parent: cur, key };
}

function get(doc: Json, toks: string[], i: number): Json {
  if (!toks.length) return doc;
  const { parent, key } = parentOf(doc, toks, i);
  if (Array.isArray(parent) && /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < parent.length) return parent[Number(key)];
  if (isObj(parent) && Object.prototype.hasOwnProperty.call(parent, key)) return parent[key];
  throw bad(i, `path ${JSON.stringify('/' + toks.join('/'))} does not exist`, 'Invalid');
}

function remove(doc: Json, toks: string[], i: number): Json {
  if (!toks.length) throw bad(i, 'cannot remove the whole document');
  const value = get(doc, toks, i);
  const { parent, key } = parentOf(doc, toks, i);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, Json>)[key];
  return value;
}

function add(doc: Json, toks: string[], value: Json, i: number): Json {
  if (!toks.length) return value;
  const { parent, key } = parentOf(doc, toks, i);
  if (Array.isArray(parent)) {
    const idx = key === '-' ? parent.length : /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : -1;
    if (idx < 0 || idx > parent.length) throw bad(i, `array index ${JSON.stringify(key)} out of range`, 'Invalid');
    parent.splice(idx, 0, value);
  } else if (isObj(parent)) parent[key] = value;
  else throw bad(i, `cannot add below a ${typeof parent} value`, 'Invalid');
  return doc;
}

/** Applies `ops` to a copy of `doc`; any failing operation (including `test`) fails the whole patch. */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops))
    throw new ApiError('BadRequest', 'a JSON patch is an array of operations', [
      { field: '(body)', message: 'must be an array' },
    ]);
  if (ops.length > MAX_OPS) throw new ApiError('BadRequest', `a JSON patch may hold at most ${MAX_OPS} operations`);
  let out = clone(doc);
  ops.forEach((raw, i) => {
    if (!isObj(raw) || typeof raw.op !== 'string' || !OPS.has(raw.op))
      throw bad(i, 'op must be one of add, remove, replace, move, copy, test');
    const path = tokens(raw.path, i);
    const needsValue = raw.op === 'add' || raw.op === 'replace' || raw.op === 'test';
    if (needsValue && !('value' in raw)) throw bad(i, `${raw.op} needs a value`);
    switch (raw.op) {
      case 'add':
        out = add(out, path, clone(raw.value), i);
        break;
      case 'remove':
        remove(out, path, i);
        break;
      case 'replace':
        get(out, path, i);
        if (!path.length) out = clone(raw.value);
        else {
          remove(out, path, i);
          out = add(out, path, clone(raw.value), i);
        }
        break;
      case 'test':
        if (!equal(get(out, path, i), raw.value)) throw bad(i, `test failed at ${String(raw.path)}`, 'Invalid');
        break;
      case 'move':
      case 'copy': {
        const from = tokens(raw.from, i);
        if (raw.op === 'move' && from.length < path.length && from.every((t, j) => t === path[j]))
          throw bad(i, 'cannot move a value into itself');
        const v = raw.op === 'move' ? remove(out, from, i) : clone(get(out, from, i));
        out = add(out, path, v, i);
        break;
      }
    }
  });
  return out;
}
