// /openapi/v2 as Kubernetes serves it: a Swagger 2.0 rendering of the registry-generated document, whose
// definitions and operations carry x-kubernetes-group-version-kind (older kubectl paths: explain, validation).
import { allKinds } from '../../model/index.js';

type Json = Record<string, unknown>;

/** The schema keywords Swagger 2.0 knows (everything else is dropped, extensions `x-*` kept). */
const SCHEMA_KEYS = new Set([
  '$ref',
  'format',
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'enum',
  'type',
  'items',
  'allOf',
  'properties',
  'additionalProperties',
  'readOnly',
  'example',
]);

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A literal-only union (`anyOf` of `const`/`enum` members) as one enum; anything else is not expressible. */
function unionAsEnum(members: unknown[]): Json | undefined {
  const values: unknown[] = [];
  let type: unknown;
  for (const m of members) {
    if (!isObj(m)) return undefined;
    if (m.type === 'null') continue;
    if ('const' in m) values.push(m.const);
    else if (Array.isArray(m.enum)) values.push(...(m.enum as unknown[]));
    else return undefined;
    type ??= m.type ?? typeof values[0];
  }
  return values.length ? { type, enum: values } : undefined;
}

/** One JSON Schema (2020-12 as the registry writes it) in its Swagger 2.0 form. */
export function toSwaggerSchema(v: unknown): unknown {
  if (!isObj(v)) return v;
  let s: Json = v;
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const nonNull = union.filter((m) => !(isObj(m) && m.type === 'null'));
    const merged = nonNull.length === 1 && isObj(nonNull[0]) ? nonNull[0] : unionAsEnum(union);
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    // A union Swagger 2.0 cannot say (e.g. int-or-string) becomes "any value" rather than a wrong type.
    s = { ...rest, ...(merged ?? {}) };
  }
  const out: Json = {};
  for (const [k, x] of Object.entries(s)) {
    if (k === 'const') out.enum = [x];
    else if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof x === 'number') {
      out[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = x;
      out[k] = true;
    } else if (k === 'type' && Array.isArray(x)) out.type = x.find((t) => t !== 'null');
    else if (k === '$ref' && typeof x === 'string') out.$ref = x.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'properties' && isObj(x))
      out.properties = Object.fromEntries(Object.entries(x).map(([p, ps]) => [p, toSwaggerSchema(ps)]));
    else if (k === 'items' || k === 'additionalProperties')
      out[k] = typeof x === 'boolean' ? x : toSwaggerSchema(Array.isArray(x) ? x[0] : x);
    else if (k === 'allOf' && Array.isArray(x)) out.allOf = x.map(toSwaggerSchema);
    else if (k === 'required' && Array.isArray(x)) {
      if (x.length) out.required = x;
    } else if (k.startsWith('x-') || SCHEMA_KEYS.has(k)) out[k] = x;
  }
  return out;
}

/** A 3.x parameter (schema inside) as a 2.0 non-body parameter (type beside it). */
function parameter(p: unknown): Json {
  const { schema, ...rest } = p as Json & { schema?: Json };
  const sch = (toSwaggerSchema(schema ?? { type: 'string' }) ?? {}) as Json;
  return { ...rest, type: sch.type ?? 'string', ...(sch.enum ? { enum: sch.enum } : {}) };
}

function operation(op: Json, gvk: Json | undefined): Json {
  const { requestBody, responses, parameters, ...rest } = op as Json & {
    requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
    responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
    parameters?: unknown[];
  };
  const params = (parameters ?? []).map(parameter);
  const consumes = Object.keys(requestBody?.content ?? {});
  if (requestBody) {
    const first = Object.values(requestBody.content ?? {})[0];
    params.push({
      name: 'body',
      in: 'body',
      required: !!requestBody.required,
      schema: toSwaggerSchema(first?.schema ?? {}),
    });
  }
  const produces = new Set<string>();
  const resp: Json = {};
  for (const [code, r] of Object.entries(responses ?? {})) {
    const content = Object.entries(r.content ?? {});
    content.forEach(([t]) => produces.add(t));
    const schema = content.find(([, c]) => c.schema)?.[1].schema;
    resp[code] = { description: r.description ?? code, ...(schema ? { schema: toSwaggerSchema(schema) } : {}) };
  }
  return {
    ...rest,
    ...(consumes.length ? { consumes } : {}),
    ...(produces.size ? { produces: [...produces] } : {}),
    ...(params.length ? { parameters: params } : {}),
    responses: Object.keys(resp).length ? resp : { default: { description: 'answer' } },
    ...(gvk ? { 'x-kubernetes-group-version-kind': gvk } : {}),
  };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

/** The Swagger 2.0 document derived from the whole 3.1 document (`full`, built from the registry). */
export function swaggerDocument(full: Json): Json {
  const kinds = allKinds();
  const components = full.components as { schemas: Record<string, Json> };
  const definitions: Json = {};
  for (const [name, schema] of Object.entries(components.schemas)) {
    const k = kinds.find((x) => x.kind === name);
    definitions[name] = {
      ...(toSwaggerSchema(schema) as Json),
      ...(k ? { 'x-kubernetes-group-version-kind': [{ group: k.group, version: k.version, kind: k.kind }] } : {}),
    };
  }
  const paths: Json = {};
  for (const [p, item] of Object.entries(full.paths as Record<string, Json>)) {
    const m = /^\/apis\/([^/]+)\/([^/]+)\/(.*)$/.exec(p);
    const plural = m?.[3].split('/').filter((x) => x && !x.startsWith('{') && x !== 'namespaces')[0];
    const k = m ? kinds.find((x) => x.group === m[1] && x.version === m[2] && x.plural === plural) : undefined;
    const gvk = k ? { group: k.group, version: k.version, kind: k.kind } : undefined;
    const out: Json = {};
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' && Array.isArray(op)) {
        if (op.length) out.parameters = op.map(parameter);
      } else if (METHODS.has(method) && isObj(op)) out[method] = operation(op, gvk);
    }
    paths[p] = out;
  }
  const info = full.info as Json;
  return {
    swagger: '2.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    consumes: ['application/json', 'application/yaml'],
    produces: ['application/json'],
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
    paths,
    definitions,
  };
}
