// kubectl's JSONPath template subset for `-o jsonpath=`, `custom-columns` and `--sort-by`.
//
// Supported: text with `{expr}` parts; `{.a.b}`, `{$.a}`, `{@}`, `{.a['k.with.dots']}`, `{.items[*].x}`, `{.a.*}`,
// `{..name}` (recursive), `[N]`, `[-N]`, `[a:b]`, filters `[?(@.x == "v")]` (==, !=, <, <=, >, >=, or `?(@.x)`
// for existence), `{range EXPR}…{end}`, string literals `{"\n"}`, and several results joined by spaces.
import { UsageError } from './command.js';

type Step =
  | { t: 'field'; name: string }
  | { t: 'recurse'; name: string }
  | { t: 'wild' }
  | { t: 'index'; i: number }
  | { t: 'slice'; from?: number; to?: number }
  | { t: 'filter'; path: Step[]; op?: string; value?: unknown };

type Node = { t: 'text'; s: string } | { t: 'expr'; path: Step[] } | { t: 'range'; path: Step[]; body: Node[] };

const bad = (template: string, why: string): UsageError =>
  new UsageError(`invalid JSONPath template ${JSON.stringify(template)}: ${why}`);

/** Parses a path such as `.items[*].metadata.name` (leading `$`, `@` or `.` optional) into steps. */
export function parsePath(src: string, template = src): Step[] {
  let s = src.trim();
  if (s.startsWith('$') || s.startsWith('@')) s = s.slice(1);
  if (s && !s.startsWith('.') && !s.startsWith('[')) s = `.${s}`;
  const steps: Step[] = [];
  let i = 0;
  const ident = (): string => {
    const m = /^[^.[\]\s()=!<>]+/.exec(s.slice(i));
    if (!m) throw bad(template, `expected a field name at ${JSON.stringify(s.slice(i, i + 10))}`);
    i += m[0].length;
    return m[0];
  };
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      steps.push({ t: 'recurse', name: s[i] === '*' ? (i++, '*') : ident() });
    } else if (s[i] === '.') {
      i++;
      if (i >= s.length) break; // `{.}` is the current object
      if (s[i] === '*') {
        i++;
        steps.push({ t: 'wild' });
      } else steps.push({ t: 'field', name: ident() });
    } else if (s[i] === '[') {
      const end = closing(s, i, template);
      steps.push(bracket(s.slice(i + 1, end).trim(), template));
      i = end + 1;
    } else throw bad(template, `unexpected ${JSON.stringify(s[i])}`);
  }
  return steps;
}

/** Index of the `]` closing the `[` at `open`, skipping quoted strings and nested brackets. */
function closing(s: string, open: number, template: string): number {
  let depth = 0;
  let quote = '';
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  throw bad(template, 'unclosed [');
}

function bracket(inner: string, template: string): Step {
  if (inner === '*') return { t: 'wild' };
  if (/^-?\d+$/.test(inner)) return { t: 'index', i: Number(inner) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice)
    return { t: 'slice', from: slice[1] ? Number(slice[1]) : undefined, to: slice[2] ? Number(slice[2]) : undefined };
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { t: 'field', name: quoted[2] };
  const f = /^\?\((.*)\)$/s.exec(inner);
  if (f) {
    const m = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(f[1].trim());
    if (!m) return { t: 'filter', path: parsePath(f[1].trim(), template) };
    return { t: 'filter', path: parsePath(m[1], template), op: m[2], value: literal(m[3].trim(), template) };
  }
  throw bad(template, `unsupported selector [${inner}]`);
}

function literal(s: string, template: string): unknown {
  const q = /^(['"])(.*)\1$/.exec(s);
  if (q) return q[2];
  if (s === 'true' || s === 'false') return s === 'true';
  if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  throw bad(template, `cannot compare with ${s}`);
}

const children = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v as object) : [];

/** Every value the path selects from `root` (none when a field is missing). */
export function evalPath(steps: Step[], root: unknown): unknown[] {
  let cur: unknown[] = [root];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (st.t === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && st.name in (v as object))
          next.push((v as Record<string, unknown>)[st.name]);
      } else if (st.t === 'wild') next.push(...children(v));
      else if (st.t === 'recurse') {
        const walk = (x: unknown): void => {
          if (x && typeof x === 'object' && !Array.isArray(x)) {
            if (st.name === '*') next.push(...Object.values(x as object));
            else if (st.name in (x as object)) next.push((x as Record<string, unknown>)[st.name]);
          }
          children(x).forEach(walk);
        };
        walk(v);
      } else if (Array.isArray(v)) {
        if (st.t === 'index') {
          const e = v[st.i < 0 ? v.length + st.i : st.i];
          if (e !== undefined) next.push(e);
        } else if (st.t === 'slice') next.push(...v.slice(st.from ?? 0, st.to ?? v.length));
        else next.push(...v.filter((e) => matches(st, e)));
      }
    }
    cur = next;
  }
  return cur;
}

function matches(f: Extract<Step, { t: 'filter' }>, e: unknown): boolean {
  const got = evalPath(f.path, e);
  if (!f.op) return got.length > 0 && got[0] !== false && got[0] !== null;
  if (!got.length) return false;
  const [a, b] = [got[0], f.value];
  switch (f.op) {
    case '==':
      return a === b || String(a) === String(b);
    case '!=':
      return !(a === b || String(a) === String(b));
    default: {
      const [x, y] = typeof b === 'number' ? [Number(a), b] : [String(a), String(b)];
      return f.op === '<' ? x < y : f.op === '<=' ? x <= y : f.op === '>' ? x > y : x >= y;
    }
  }
}

/** Parses a template such as `{range .items[*]}{.metadata.name}{"\n"}{end}`. */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack[stack.length - 1].push({ t: 'text', s: template.slice(i) });
      break;
    }
    if (open > i) stack[stack.length - 1].push({ t: 'text', s: template.slice(i, open) });
    const close = exprEnd(template, open);
    const expr = template.slice(open + 1, close).trim();
    i = close + 1;
    const top = stack[stack.length - 1];
    const str = /^(['"])(.*)\1$/s.exec(expr);
    if (str) top.push({ t: 'text', s: unescape(str[2]) });
    else if (expr === 'end') {
      if (stack.length === 1) throw bad(template, '{end} without {range}');
      stack.pop();
    } else if (expr.startsWith('range ')) {
      const r: Node = { t: 'range', path: parsePath(expr.slice(6), template), body: [] };
      top.push(r);
      stack.push(r.body);
    } else top.push({ t: 'expr', path: parsePath(expr, template) });
  }
  if (stack.length > 1) throw bad(template, '{range} without {end}');
  return root;
}

function exprEnd(s: string, open: number): number {
  let quote = '';
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return j;
  }
  throw bad(s, 'unclosed {');
}

const unescape = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);

/** A selected value as kubectl prints it: strings bare, everything else as JSON. */
export const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Renders a parsed template against `data`. */
export function renderTemplate(nodes: Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.s;
    else if (n.t === 'expr') out += evalPath(n.path, data).map(show).join(' ');
    else for (const item of evalPath(n.path, data)) out += renderTemplate(n.body, item);
  }
  return out;
}

/** `-o jsonpath=TEMPLATE`: a template with or without braces (a bare `.a.b` is taken as `{.a.b}`). */
export function jsonpath(template: string, data: unknown): string {
  const t = template.includes('{') ? template : `{${template}}`;
  return renderTemplate(parseTemplate(t), data);
}

/** A path given to custom-columns or --sort-by: `.a.b` or `{.a.b}`. */
export function columnPath(spec: string): Step[] {
  const s = spec.trim();
  const inner = s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : s;
  return parsePath(inner, spec);
}
