// Renders objects for humans (tables with kubectl-style columns) and machines (YAML, JSON, names).
import { stringify } from 'yaml';
import type { AnyResource, KindDef } from '../model/index.js';
import { UsageError } from './command.js';
import { columnPath, evalPath, jsonpath, show } from './jsonpath.js';

/**
 * Reads a column path: dotted fields, `[N]` index, `[*]` every element (joined with ","),
 * and `conditions[Type]` which selects the condition of that type.
 */
export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown[] = [obj];
  for (const part of path.split('.')) {
    const m = /^([^[]+)(?:\[([^\]]+)\])?$/.exec(part);
    if (!m) return undefined;
    const [, field, sel] = m;
    const next: unknown[] = [];
    for (const c of cur) {
      const v = c && typeof c === 'object' ? (c as Record<string, unknown>)[field] : undefined;
      if (v === undefined || v === null) continue;
      if (sel === undefined) next.push(v);
      else if (!Array.isArray(v)) continue;
      else if (sel === '*') next.push(...v);
      else if (/^[0-9]+$/.test(sel)) {
        if (v[Number(sel)] !== undefined) next.push(v[Number(sel)]);
      } else next.push(...v.filter((e) => e && typeof e === 'object' && (e as { type?: string }).type === sel));
    }
    cur = next;
  }
  if (cur.length === 0) return undefined;
  return cur.length === 1 ? cur[0] : cur;
}

export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '<none>';
  if (Array.isArray(v)) return v.map(cell).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export interface RenderOptions {
  output?: string;
  showNamespace?: boolean;
  noHeaders?: boolean;
  now?: number;
  /** Adds a LABELS column (k=v,...) to tables. */
  showLabels?: boolean;
  /** `-o jsonpath` sees a List of the items (true for list reads) rather than the single object. */
  asList?: boolean;
}

const labelsOf = (i: AnyResource): string =>
  Object.entries(i.metadata.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '<none>';

/** `custom-columns=NAME:.path,...`: a header and a JSONPath per column (several values joined with ","). */
function customColumns(spec: string, items: AnyResource[], noHeaders?: boolean): string {
  const cols = spec.split(',').map((c) => {
    const at = c.indexOf(':');
    if (at <= 0 || at === c.length - 1)
      throw new UsageError(`custom-columns: ${JSON.stringify(c)} is not NAME:JSONPATH (e.g. NAME:.metadata.name)`);
    return { name: c.slice(0, at), path: columnPath(c.slice(at + 1)) };
  });
  const rows = items.map((i) =>
    cols.map((c) => {
      const vals = evalPath(c.path, i).filter((x) => x !== undefined && x !== null);
      return vals.length ? vals.map(show).join(',') : '<none>';
    }),
  );
  return table(noHeaders ? rows : [cols.map((c) => c.name), ...rows]);
}

/** Compares two `--sort-by` values: missing first, numbers numerically, everything else as text. */
function compareValues(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return Number(a !== undefined) - Number(b !== undefined);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return show(a).localeCompare(show(b));
}

/** Items ordered by the first value of a JSONPath (`--sort-by=.metadata.name`); stable. */
export function sortItems<T>(items: T[], sortBy: string): T[] {
  const path = columnPath(sortBy);
  const keyed = items.map((item, i) => ({ item, i, key: evalPath(path, item)[0] }));
  return keyed.sort((x, y) => compareValues(x.key, y.key) || x.i - y.i).map((x) => x.item);
}

export function renderObjects(kind: KindDef, items: AnyResource[], o: RenderOptions = {}): string {
  const fmt = o.output ?? '';
  if (fmt === 'yaml') return items.map((i) => stringify(i)).join('---\n');
  if (fmt === 'json')
    return JSON.stringify(items.length === 1 ? items[0] : { apiVersion: 'v1', kind: 'List', items }, null, 2) + '\n';
  if (fmt === 'name') return items.map((i) => `${kind.singular}/${i.metadata.name}\n`).join('');
  if (fmt.startsWith('jsonpath=')) {
    const data = o.asList || items.length !== 1 ? { apiVersion: 'v1', kind: 'List', items } : items[0];
    return jsonpath(fmt.slice('jsonpath='.length), data);
  }
  if (fmt.startsWith('custom-columns=')) return customColumns(fmt.slice('custom-columns='.length), items, o.noHeaders);
  if (fmt !== '' && fmt !== 'wide')
    throw new UsageError(
      `unknown output format ${JSON.stringify(fmt)} ` +
        '(use yaml, json, wide, name, jsonpath=TEMPLATE or custom-columns=NAME:.path,...)',
    );
  const cols = kind.columns.filter((c) => fmt === 'wide' || !c.wide);
  const header = [
    ...(o.showNamespace && kind.namespaced ? ['NAMESPACE'] : []),
    ...cols.map((c) => c.name),
    ...(o.showLabels ? ['LABELS'] : []),
  ];
  const rows = items.map((i) => [
    ...(o.showNamespace && kind.namespaced ? [i.metadata.namespace ?? ''] : []),
    ...cols.map((c) =>
      c.path === 'metadata.creationTimestamp' || c.path.endsWith('Timestamp') || c.path.endsWith('Time')
        ? age(readPath(i, c.path) as string | undefined, o.now)
        : cell(readPath(i, c.path)),
    ),
    ...(o.showLabels ? [labelsOf(i)] : []),
  ]);
  return table(o.noHeaders ? rows : [header, ...rows]);
}
