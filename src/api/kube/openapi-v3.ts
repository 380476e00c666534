// /openapi/v3 as Kubernetes serves it: an index of group-versions, and per group-version documents whose schemas
// carry x-kubernetes-group-version-kind (kubectl explain, kubectl's server-side field validation check).
import { createHash } from 'node:crypto';
import { allKinds } from '../../model/index.js';

/**
 * JSON Schema 2020-12 keywords rewritten in their OpenAPI 3.0 form, which kubectl's Go parser requires
 * (a numeric `exclusiveMinimum` fails its decoding and kubectl falls back to /openapi/v2).
 */
export function toOpenApi30(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toOpenApi30);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof x === 'number') {
      out[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = x;
      out[k] = true;
    } else if (k === 'const') out.enum = [x];
    else out[k] = toOpenApi30(x);
  }
  return out;
}

/** The OpenAPI document of one group-version, derived from the whole document (`full`, built from the registry). */
export function groupVersionDocument(full: Record<string, unknown>, group: string, version: string) {
  const kinds = allKinds().filter((k) => k.group === group && k.version === version);
  if (!kinds.length) return undefined;
  const prefix = `/apis/${group}/${version}/`;
  const components = full.components as { schemas: Record<string, Record<string, unknown>> };
  const schemas: Record<string, unknown> = { ...components.schemas };
  for (const k of kinds)
    schemas[k.kind] = {
      ...components.schemas[k.kind],
      'x-kubernetes-group-version-kind': [{ group, version, kind: k.kind }],
    };
  const fieldValidation = {
    name: 'fieldValidation',
    in: 'query',
    description: 'Strict, Warn or Ignore (schemas are always strict)',
    schema: { type: 'string' },
  };
  const paths: Record<string, unknown> = {};
  for (const [p, item] of Object.entries(full.paths as Record<string, Record<string, unknown>>)) {
    if (!p.startsWith(prefix)) continue;
    const plural = p
      .slice(prefix.length)
      .split('/')
      .filter((x) => x && !x.startsWith('{') && x !== 'namespaces')[0];
    const kind = kinds.find((k) => k.plural === plural);
    const withParam: Record<string, unknown> = {};
    for (const [m, op] of Object.entries(item)) {
      const o = op as { parameters?: unknown[] };
      if (m === 'parameters' || !o || typeof o !== 'object') {
        withParam[m] = op;
        continue;
      }
      withParam[m] = {
        ...o,
        ...(kind ? { 'x-kubernetes-group-version-kind': { group, version, kind: kind.kind } } : {}),
        ...(['post', 'put', 'patch'].includes(m) ? { parameters: [...(o.parameters ?? []), fieldValidation] } : {}),
      };
    }
    paths[p] = withParam;
  }
  return { ...full, openapi: '3.0.0', components: { ...components, schemas: toOpenApi30(schemas) }, paths };
}

/** The /openapi/v3 index: one entry per group-version, with a content hash as Kubernetes does. */
export function openApiV3Index(full: Record<string, unknown>): Record<string, unknown> {
  const gvs = [...new Set(allKinds().map((k) => `${k.group}/${k.version}`))];
  const paths: Record<string, unknown> = {};
  for (const gv of gvs) {
    const [g, v] = gv.split('/');
    const hash = createHash('sha256')
      .update(JSON.stringify(groupVersionDocument(full, g, v)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase();
    paths[`apis/${gv}`] = { serverRelativeURL: `/openapi/v3/apis/${gv}?hash=${hash}` };
  }
  return { paths };
}
