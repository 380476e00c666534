// meta.k8s.io/v1 Table answers (`kubectl get` columns) built from the kind's printer columns, as `continuum get` uses.
import type { FastifyRequest } from 'fastify';
import type { AnyResource, KindDef } from '../../model/index.js';

/** True when the client asked for a Table (kubectl get: `application/json;as=Table;v=v1;g=meta.k8s.io`). */
export const wantsTable = (req: FastifyRequest): boolean =>
  /as=Table;\s*v=v1;\s*g=meta\.k8s\.io/.test(String(req.headers.accept ?? ''));

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Reads a column path as `continuum get` does: dotted fields, `[N]`, `[*]` and `conditions[Type]`. */
function readPath(obj: unknown, path: string): unknown {
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
      else if (sel === '*') next.push(...(v as unknown[]));
      else if (/^[0-9]+$/.test(sel)) {
        if (v[Number(sel)] !== undefined) next.push(v[Number(sel)]);
      } else next.push(...v.filter((e) => e && typeof e === 'object' && (e as { type?: string }).type === sel));
    }
    cur = next;
  }
  if (cur.length === 0) return undefined;
  return cur.length === 1 ? cur[0] : cur;
}

/** The same relative age `continuum get` prints (kubectl shows cells verbatim). */
function age(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const isTime = (path: string): boolean => path.endsWith('Timestamp') || path.endsWith('Time');

function cell(v: unknown): string | number | boolean {
  if (v === undefined || v === null || v === '') return '<none>';
  if (Array.isArray(v)) return v.map((x) => String(cell(x))).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
}

function rowObject(o: AnyResource, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A Table of `items`; wide columns get priority 1 (kubectl shows them with -o wide). */
export function toTable(
  kind: KindDef,
  items: AnyResource[],
  meta: { resourceVersion?: string; continue?: string } = {},
  include: IncludeObject = 'Metadata',
  now = Date.now(),
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: kind.columns.map((c) => ({
      name: c.name.charAt(0) + c.name.slice(1).toLowerCase(),
      type: 'string',
      format: c.path === 'metadata.name' ? 'name' : '',
      description: c.path,
      priority: c.wide ? 1 : 0,
    })),
    rows: items.map((o) => ({
      cells: kind.columns.map((c) =>
        isTime(c.path) ? age(readPath(o, c.path) as string | undefined, now) : cell(readPath(o, c.path)),
      ),
      object: rowObject(o, include),
    })),
  };
}
