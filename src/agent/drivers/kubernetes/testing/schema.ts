// Test support: checks a manifest against the Kubernetes OpenAPI schemas (kubernetes-models) and for unknown fields.
import * as k8s from '@kubernetes/client-node';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import type { KubeObject } from '../render.js';

/** kubernetes-models classes by apiVersion/kind: validate() runs the validator generated from the OpenAPI spec. */
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

interface Attr {
  baseName: string;
  type: string;
}
type Model = { getAttributeTypeMap(): Attr[] };
const models = k8s as unknown as Record<string, Model | undefined>;
const PRIMITIVE = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

/**
 * Fields the OpenAPI types do not define (the schemas leave additionalProperties open, the API server's strict
 * field validation does not): walks `value` along client-node's generated model of `type`.
 */
function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined || PRIMITIVE.has(type)) return;
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (!Array.isArray(value)) out.push(`${path}: expected an array`);
    else value.forEach((v, i) => unknownFields(v, arr[1]!, `${path}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [k, v] of Object.entries(value as object)) unknownFields(v, map[1]!, `${path}.${k}`, out);
    return;
  }
  const model = models[type];
  if (!model?.getAttributeTypeMap) return; // enums and aliases
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.push(`${path}: expected an object of type ${type}`);
    return;
  }
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const t = attrs.get(k);
    if (t === undefined) out.push(`${path}.${k}: unknown field of ${type}`);
    else unknownFields(v, t, `${path}.${k}`, out);
  }
}

/** Problems of one manifest (empty when it is valid); an unsupported kind is a problem too. */
export function schemaProblems(o: KubeObject): string[] {
  const key = `${o.apiVersion}/${o.kind}`;
  const M = MODELS[key];
  if (!M) return [`${key}: no schema in this test`];
  const out: string[] = [];
  try {
    new M(o as never).validate();
  } catch (e) {
    out.push(`${key} ${o.metadata.name}: ${(e as Error).message}`);
  }
  unknownFields(o, `V1${o.kind}`, `${o.kind}`, out);
  return out;
}
