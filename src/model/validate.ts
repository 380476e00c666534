// Validates submitted objects against their kind's schema, reporting every error with its field path.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, type FieldError } from './errors.js';
import { objectSchema, type KindDef } from './registry.js';

const ajv = new Ajv({
  allErrors: true,
  strict: false,
  removeAdditional: false,
  useDefaults: false,
  coerceTypes: false,
});
const compiled = new Map<string, ValidateFunction>();

function validatorFor(k: KindDef): ValidateFunction {
  let v = compiled.get(k.kind);
  if (!v) {
    v = ajv.compile(objectSchema(k));
    compiled.set(k.kind, v);
  }
  return v;
}

/** "/spec/components/0/name" → "spec.components[0].name" */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const join = (base: string, key: string): string => (base ? `${base}.${key}` : key);

function toFieldErrors(errors: ErrorObject[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  // Union branches report one error per branch; keep the summary ("must match one of") instead.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    const base = pointerToPath(e.instancePath);
    let fe: FieldError;
    if (e.keyword === 'additionalProperties') {
      fe = { field: join(base, String(e.params.additionalProperty)), message: 'unknown field' };
    } else if (e.keyword === 'required') {
      fe = { field: join(base, String(e.params.missingProperty)), message: 'required field missing' };
    } else if (unionPaths.has(e.instancePath) && e.keyword !== 'anyOf') {
      continue;
    } else if (e.keyword === 'anyOf') {
      fe = { field: base || '(root)', message: 'must be one of the allowed values or types' };
    } else if (e.keyword === 'const') {
      fe = { field: base, message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    } else {
      fe = { field: base || '(root)', message: e.message ?? e.keyword };
    }
    const key = `${fe.field}|${fe.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(fe);
    }
  }
  return out;
}

/** Returns field errors for `obj` as an object of kind `k` (empty when valid). */
export function validateObject(k: KindDef, obj: unknown): FieldError[] {
  const v = validatorFor(k);
  if (v(obj)) return [];
  return toFieldErrors(v.errors ?? []);
}

/** Throws a 422 Invalid ApiError naming every offending field. */
export function assertValid(k: KindDef, obj: unknown): void {
  const errors = validateObject(k, obj);
  if (errors.length) {
    const first = errors[0];
    throw new ApiError(
      'Invalid',
      `${k.kind} is invalid: ${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
      errors,
    );
  }
}
