// Tests only: checks live EWBI traffic (requests, responses, callbacks) against the schemas of the spec's swagger file.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { EWBI_PREFIX } from '../ewbi/operations.js';
import { decodeMultipart, multipartBoundary } from '../ewbi/multipart.js';
import { sharedSpec } from '../../lib/testing/shared-specs.js';

const SPEC_REL = 'shared/specs/gsma-ewbi/neonephos-opg-ewbi-api/swagger.yaml';

/** Finds the swagger file: $EWBI_SPEC, else `shared/specs/...` beside the checkout. */
export function findSpec(): string {
  return process.env.EWBI_SPEC ?? sharedSpec(SPEC_REL.replace(/^shared\/specs\//, ''));
}

type Json = Record<string, unknown>;
interface Op {
  id: string;
  method: string;
  template: string;
  re: RegExp;
  request?: { json?: ValidateFunction; multipart?: ValidateFunction; required: boolean };
  responses: Map<string, ValidateFunction | null>;
  /** Per-operation callback bodies, keyed by the request member holding the link ("appInstCallbackLink"). */
  callbacks: Map<string, ValidateFunction>;
}

/** One mismatch between traffic and the spec. */
export interface EwbiViolation {
  operation: string;
  where: string;
  errors: string;
}

/** Validates EWBI requests and responses against the spec; collects every violation in `violations`. */
export class EwbiValidator {
  readonly violations: EwbiViolation[] = [];
  /** Operation ids seen, request and response (coverage checks in tests). */
  readonly seen = new Set<string>();
  private readonly ops: Op[] = [];
  private readonly callbackByLink = new Map<string, ValidateFunction[]>();

  constructor(specPath = findSpec()) {
    const doc = parse(readFileSync(specPath, 'utf8')) as Json;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats.default(ajv);
    for (const f of ['int32', 'int64', 'binary']) ajv.addFormat(f, true);
    ajv.addSchema({ $id: 'ewbi.json', components: doc.components });
    const compile = (s: unknown): ValidateFunction => ajv.compile(rewriteRefs(s) as Json);
    for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, raw] of Object.entries(item)) {
        const o = raw as Json;
        const content = ((o.requestBody as Json | undefined)?.content ?? {}) as Record<string, { schema: unknown }>;
        const op: Op = {
          id: String(o.operationId),
          method: method.toUpperCase(),
          template,
          re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
          responses: new Map(),
          callbacks: new Map(),
        };
        if (o.requestBody) {
          op.request = {
            required: Boolean((o.requestBody as Json).required),
            ...(content['application/json'] ? { json: compile(content['application/json'].schema) } : {}),
            ...(content['multipart/form-data'] ? { multipart: compile(content['multipart/form-data'].schema) } : {}),
          };
        }
        const shared = ((doc.components as Json).responses ?? {}) as Record<string, Json>;
        for (const [code, raw] of Object.entries((o.responses ?? {}) as Record<string, Json>)) {
          const ref = typeof raw.$ref === 'string' ? /^#\/components\/responses\/(.+)$/.exec(raw.$ref)?.[1] : undefined;
          const r = ref ? (shared[ref] ?? {}) : raw;
          const c = (r.content ?? {}) as Record<string, { schema: unknown }>;
          const s = c['application/json'] ?? c['application/problem+json'];
          op.responses.set(code, s ? compile(s.schema) : null);
        }
        for (const cbs of Object.values((o.callbacks ?? {}) as Record<string, Record<string, Json>>)) {
          for (const [expr, cbItem] of Object.entries(cbs)) {
            const link = /^\{\$request\.body#\/(\w+)\}$/.exec(expr)?.[1];
            const body = (((cbItem.post as Json).requestBody as Json).content as Record<string, { schema: unknown }>)[
              'application/json'
            ];
            if (link && body) {
              const v = compile(body.schema);
              op.callbacks.set(link, v);
              this.callbackByLink.set(link, [...(this.callbackByLink.get(link) ?? []), v]);
            }
          }
        }
        this.ops.push(op);
      }
    }
  }

  /** Number of operations in the spec (37 for the NeoNephos file). */
  get operationCount(): number {
    return this.ops.length;
  }

  /** All operation ids of the spec. */
  operationIds(): string[] {
    return this.ops.map((o) => o.id);
  }

  /** The spec operation a request path (with or without the prefix) and method match. */
  match(method: string, path: string): Op | undefined {
    const p = stripPrefix(path.split('?')[0]);
    const cands = this.ops.filter((o) => o.method === method.toUpperCase() && o.re.test(p));
    // A literal segment beats a parameter ("/partner" vs "/{federationContextId}/...").
    cands.sort((a, b) => literalScore(b.template) - literalScore(a.template));
    return cands[0];
  }

  /** Checks a request; `body` is the raw body (string/Buffer) or a parsed object. Returns the violations found. */
  checkRequest(method: string, path: string, contentType: string | undefined, body: unknown): EwbiViolation[] {
    const op = this.match(method, path);
    if (!op) return this.report('?', `${method} ${path}`, 'no operation of the spec matches');
    this.seen.add(op.id);
    if (!op.request) return [];
    const hasBody = body !== undefined && body !== null && !(typeof body === 'string' && body === '');
    if (!hasBody) return op.request.required ? this.report(op.id, 'request', 'required body missing') : [];
    const boundary = multipartBoundary(contentType);
    if (boundary) {
      if (!op.request.multipart) return this.report(op.id, 'request', 'multipart body where the spec wants JSON');
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
      let fields: Record<string, unknown>;
      try {
        const mp = decodeMultipart(buf, boundary);
        fields = { ...mp.fields, ...Object.fromEntries(Object.keys(mp.files).map((k) => [k, '<binary>'])) };
      } catch (e) {
        return this.report(op.id, 'request', `malformed multipart: ${(e as Error).message}`);
      }
      return this.run(op.request.multipart, fields, op.id, 'request (multipart)');
    }
    if (!op.request.json) return this.report(op.id, 'request', 'JSON body where the spec wants multipart');
    const parsed = parseMaybe(body);
    const out = this.run(op.request.json, parsed, op.id, 'request');
    // A callback path: the body must also satisfy the callback defined inline on the originating operation.
    const link = /\/(\w+Link)$/.exec(op.template)?.[1];
    for (const v of link ? (this.callbackByLink.get(link) ?? []) : [])
      out.push(...this.run(v, parsed, op.id, `request (as ${link} callback of its operation)`));
    return out;
  }

  /** Checks a response: the status must be one the spec lists, and the body must match its schema. */
  checkResponse(method: string, path: string, status: number, body: unknown): EwbiViolation[] {
    const op = this.match(method, path);
    if (!op) return this.report('?', `${method} ${path}`, 'no operation of the spec matches');
    if (!op.responses.has(String(status)))
      return this.report(op.id, `response ${status}`, `status not listed (${[...op.responses.keys()].join(',')})`);
    const v = op.responses.get(String(status));
    const empty = body === undefined || body === null || body === '' || (Buffer.isBuffer(body) && body.length === 0);
    if (!v) return empty ? [] : this.report(op.id, `response ${status}`, 'body where the spec defines none');
    if (empty) return this.report(op.id, `response ${status}`, 'body missing');
    return this.run(v, parseMaybe(body), op.id, `response ${status}`);
  }

  /** Throws when any violation was collected (end of a test). */
  assertClean(): void {
    if (this.violations.length)
      throw new Error(`EWBI traffic violates the spec:\n${this.violations.map(fmt).join('\n')}`);
  }

  /**
   * A fetch that validates every EWBI exchange it carries (requests and responses whose path contains the
   * prefix; others pass unchecked). Violations are collected, and thrown by assertClean().
   */
  wrapFetch(inner: typeof fetch = fetch): typeof fetch {
    return async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const ewbi = url.pathname.includes(EWBI_PREFIX) && !url.pathname.endsWith('/oauth2/token');
      if (ewbi) {
        const headers = new Headers(init?.headers);
        this.checkRequest(method, url.pathname, headers.get('content-type') ?? undefined, bodyOf(init?.body));
      }
      const res = await inner(input, init);
      if (!ewbi) return res;
      const text = await res.clone().text();
      this.checkResponse(method, url.pathname, res.status, text);
      return res;
    };
  }

  private run(v: ValidateFunction, data: unknown, id: string, where: string): EwbiViolation[] {
    if (v(data)) return [];
    const errors = (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');
    return this.report(id, where, errors);
  }

  private report(operation: string, where: string, errors: string): EwbiViolation[] {
    const v = { operation, where, errors };
    this.violations.push(v);
    return [v];
  }
}

const fmt = (v: EwbiViolation): string => `  ${v.operation} ${v.where}: ${v.errors}`;

function rewriteRefs(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(rewriteRefs);
  if (s && typeof s === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(s as Json))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `ewbi.json${v}` : rewriteRefs(v);
    return out;
  }
  return s;
}

function stripPrefix(path: string): string {
  const i = path.indexOf(EWBI_PREFIX);
  return i >= 0 ? path.slice(i + EWBI_PREFIX.length) || '/' : path;
}

const literalScore = (t: string): number => t.split('/').filter((s) => s && !s.startsWith('{')).length;

function parseMaybe(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function bodyOf(b: unknown): unknown {
  if (b === undefined || b === null) return undefined;
  if (typeof b === 'string' || Buffer.isBuffer(b)) return b;
  if (b instanceof Uint8Array) return Buffer.from(b);
  return String(b);
}
