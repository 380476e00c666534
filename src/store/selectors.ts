// Label and field selectors in Kubernetes syntax, parsed once and matched against objects.
import { ApiError, type AnyResource } from '../model/index.js';

type Op = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly empty: boolean;
}

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new Error('unbalanced parentheses');
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new Error('unbalanced parentheses');
  out.push(cur);
  return out.map((t) => t.trim());
}

function bad(kind: string, input: string, why: string): never {
  throw new ApiError('InvalidSelector', `invalid ${kind} selector ${JSON.stringify(input)}: ${why}`, [
    { field: kind === 'label' ? 'labelSelector' : 'fieldSelector', message: why },
  ]);
}

/** Parses "a=b,c!=d,e in (x,y),f notin (z),g,!h". */
export function parseLabelSelector(input: string | undefined): Selector {
  if (!input || !input.trim()) return { requirements: [], empty: true };
  if (input.length > 4096) bad('label', input.slice(0, 32) + '…', 'too long');
  const reqs: Requirement[] = [];
  let terms: string[];
  try {
    terms = splitTerms(input);
  } catch (e) {
    bad('label', input, (e as Error).message);
  }
  for (const term of terms) {
    if (!term) bad('label', input, 'empty requirement');
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const values = m[3].split(',').map((v) => v.trim());
      if (values.some((v) => !VALUE.test(v))) bad('label', input, `invalid value in ${term}`);
      reqs.push({ key: m[1], op: m[2] as Op, values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      if (!VALUE.test(m[3])) bad('label', input, `invalid value ${JSON.stringify(m[3])}`);
      reqs.push({ key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]] });
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      reqs.push({ key: m[1], op: 'notexists', values: [] });
    } else if (/^\S+$/.test(term)) {
      reqs.push({ key: term, op: 'exists', values: [] });
    } else bad('label', input, `cannot parse ${JSON.stringify(term)}`);
    const key = reqs[reqs.length - 1].key;
    if (!KEY.test(key)) bad('label', input, `invalid key ${JSON.stringify(key)}`);
  }
  return { requirements: reqs, empty: false };
}

/** Parses "metadata.name=x,spec.siteName!=y" restricted to `allowed` field paths. */
export function parseFieldSelector(input: string | undefined, allowed: readonly string[]): Selector {
  if (!input || !input.trim()) return { requirements: [], empty: true };
  if (input.length > 4096) bad('field', input.slice(0, 32) + '…', 'too long');
  const reqs: Requirement[] = [];
  for (const term of input.split(',').map((t) => t.trim())) {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) bad('field', input, `cannot parse ${JSON.stringify(term)}`);
    if (!allowed.includes(m[1]))
      bad('field', input, `field ${m[1]} is not selectable (allowed: ${allowed.join(', ')})`);
    reqs.push({ key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]] });
  }
  return { requirements: reqs, empty: false };
}

function matches(get: (key: string) => string | undefined, sel: Selector): boolean {
  for (const r of sel.requirements) {
    const v = get(r.key);
    switch (r.op) {
      case 'eq':
        if (v !== r.values[0]) return false;
        break;
      case 'neq':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case 'notexists':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

export const matchesLabels = (obj: AnyResource, sel: Selector): boolean =>
  sel.empty || matches((k) => obj.metadata.labels?.[k], sel);

/** Reads a dotted path; missing → '' (so "spec.siteName=" selects unbound objects, as in Kubernetes). */
export function fieldValue(obj: unknown, path: string): string {
  let cur: any = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = cur[seg];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export const matchesFields = (obj: AnyResource, sel: Selector): boolean =>
  sel.empty || matches((k) => fieldValue(obj, k), sel);
