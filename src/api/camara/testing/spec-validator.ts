// Tests only: validates every CAMARA answer of a test against the published OpenAPI files (status, headers, body).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { sharedSpec } from '../../../lib/testing/shared-specs.js';

export const SPECS = dirname(sharedSpec('camara/NOTES.md'));
export const EAM_SPEC = join(
  SPECS,
  'edge-application-management/main-037ca2d/code/API_definitions/edge-application-management.yaml',
);
export const SED_SPEC = join(SPECS, 'simple-edge-discovery/simple-edge-discovery.2.0.1.yaml');
export const OED_SPEC = join(SPECS, 'optimal-edge-discovery/optimal-edge-discovery.0.1.0.yaml');

type Node = Record<string, any>;
const docs = new Map<string, Node>();
const load = (file: string): Node => {
  let d = docs.get(file);
  if (!d) {
    d = parse(readFileSync(file, 'utf8')) as Node;
    docs.set(file, d);
  }
  return d;
};
const pointer = (doc: Node, frag: string): Node =>
  frag
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .reduce((n: Node, k) => n[decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~')], doc);

/** Inlines every $ref (across files), turning OpenAPI 3.0 `nullable` into a type union; examples dropped. */
function inline(node: unknown, file: string, depth = 0): any {
  if (depth > 64) throw new Error('$ref nesting too deep');
  if (Array.isArray(node)) return node.map((n) => inline(n, file, depth));
  if (!node || typeof node !== 'object') return node;
  const n = node as Node;
  if (typeof n.$ref === 'string') {
    const [path, frag = ''] = n.$ref.split('#');
    const target = path ? resolve(dirname(file), path) : file;
    return inline(pointer(load(target), frag), target, depth + 1);
  }
  const out: Node = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === 'example' || k === 'examples' || k === 'discriminator') continue;
    out[k] = inline(v, file, depth);
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
const compiled = new Map<string, ValidateFunction>();

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** A found operation: the spec file, its path template and method. */
function operation(file: string, base: string, method: string, url: string): { op: Node; template: string } {
  const doc = load(file);
  const path = new URL(url, 'http://x').pathname;
  if (!path.startsWith(base)) throw new Error(`${url} is not under ${base}`);
  const rest = path.slice(base.length);
  for (const [template, item] of Object.entries(doc.paths as Node)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = (item as Node)[method.toLowerCase()];
    if (re.test(rest) && op) return { op, template };
  }
  throw new Error(`no operation ${method} ${rest} in ${file}`);
}

/**
 * Checks one answer against the spec: the status must be declared for the operation, a declared body must
 * validate against its schema, declared required headers must be present, and x-correlator must be echoed.
 * Returns the list of mismatches (empty when the answer conforms).
 */
export function mismatches(
  file: string,
  base: string,
  method: string,
  url: string,
  sent: Record<string, string>,
  a: Answer,
): string[] {
  const { op, template } = operation(file, base, method, url);
  const where = `${method} ${template} → ${a.status}`;
  const declared = op.responses?.[String(a.status)];
  if (!declared) return [`${where}: status not declared (declared: ${Object.keys(op.responses ?? {}).join(', ')})`];
  const resp = inline(declared, file) as Node;
  const out: string[] = [];
  for (const [h, spec] of Object.entries((resp.headers ?? {}) as Node))
    if ((spec as Node).required && !a.headers.get(h)) out.push(`${where}: required header ${h} missing`);
  const correlator = sent['x-correlator'];
  if (
    correlator !== undefined &&
    /^[a-zA-Z0-9\-_:;./<>{}]{0,256}$/.test(correlator) &&
    a.headers.get('x-correlator') !== correlator
  )
    out.push(`${where}: x-correlator not echoed`);
  const schema = resp.content?.['application/json']?.schema;
  if (schema) {
    const key = `${file}|${method}|${template}|${a.status}`;
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(schema);
      compiled.set(key, v);
    }
    if (!/application\/json/.test(a.headers.get('content-type') ?? '')) out.push(`${where}: content-type not JSON`);
    else if (!v(a.body)) out.push(`${where}: body ${ajv.errorsText(v.errors)}: ${a.text.slice(0, 300)}`);
  } else if (a.text.length) out.push(`${where}: a body where none is declared: ${a.text.slice(0, 200)}`);
  return out;
}

/**
 * A fetch for CAMARA traffic: every answer is validated against the spec of its API; any mismatch throws,
 * so a test cannot pass with a non-conforming answer.
 */
export function camaraClient(baseUrl: string) {
  const seen: string[] = [];
  const call = async (
    token: string | undefined,
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const api = url.startsWith('/edge-application-management/')
      ? { file: EAM_SPEC, base: '/edge-application-management/vwip' }
      : url.startsWith('/simple-edge-discovery/')
        ? { file: SED_SPEC, base: '/simple-edge-discovery/v2' }
        : { file: OED_SPEC, base: '/optimal-edge-discovery/v0.1' };
    const sent: Record<string, string> = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    };
    const r = await fetch(`${baseUrl}${url}`, {
      method,
      headers: sent,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const a = { status: r.status, headers: r.headers, text, body: parsed };
    const bad = mismatches(api.file, api.base, method, url, sent, a);
    seen.push(`${method} ${url.split('?')[0]} ${r.status}`);
    if (bad.length) throw new Error(`CAMARA answer does not conform:\n${bad.join('\n')}`);
    return a;
  };
  return { call, seen };
}
