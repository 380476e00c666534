// Loads the bundled European topology (or another file) into validated Provider, Site and UserArea objects.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../lib/index.js';
import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import {
  API_VERSION,
  ApiError,
  ProviderKind,
  SiteKind,
  UserAreaKind,
  validateObject,
  type ErrorCode,
  type FieldError,
  type KindDef,
  type ObjectMeta,
  type ProviderSpec,
  type SiteSpec,
  type UserAreaSpec,
} from '../model/index.js';

/** A topology object as read from the file: a submittable resource with its spec. */
export interface TopologyObject<S> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: S;
}
export type ProviderObject = TopologyObject<ProviderSpec>;
export type SiteObject = TopologyObject<SiteSpec>;
export type UserAreaObject = TopologyObject<UserAreaSpec>;

export interface Topology {
  providers: ProviderObject[];
  sites: SiteObject[];
  areas: UserAreaObject[];
}

/** A bad topology file; `document` is 1-based, `field` a dotted path into that document. */
export class TopologyError extends ApiError {
  readonly file: string;
  readonly document?: number;
  readonly field?: string;
  readonly line?: number;

  constructor(code: ErrorCode, detail: string, at: { file: string; document?: number; field?: string; line?: number }, errors: FieldError[] = []) {
    super(code, detail, errors);
    this.name = 'TopologyError';
    this.file = at.file;
    this.document = at.document;
    this.field = at.field;
    this.line = at.line;
  }
}

/** Kinds a topology file may contain. */
const TOPOLOGY_KINDS: Record<string, KindDef> = { Provider: ProviderKind, Site: SiteKind, UserArea: UserAreaKind };

/** Absolute path of the bundled topology, topology/europe.yaml at the package root. */
export const defaultTopologyPath = (): string => join(packageRoot(), 'topology', 'europe.yaml');

/** Reads and validates a topology file (default: the bundled one); relative paths resolve against the cwd. */
export function loadTopology(file?: string): Topology {
  const path = file ? resolve(file) : defaultTopologyPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((err as Error).message);
    throw new TopologyError('NotFound', `cannot read topology ${path}: ${reason}`, { file: path });
  }
  return parseTopology(text, path);
}

/** "spec.capacity[0].cpu" → ["spec", "capacity", 0, "cpu"] */
function fieldPath(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
    else out.push(m[1]);
  }
  return out;
}

/** Line of the deepest existing node on `field`'s path inside `doc` (the document's first line if none). */
function lineOf(doc: Document.Parsed, field: string | undefined, lines: LineCounter): number | undefined {
  const path = field ? fieldPath(field) : [];
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses a multi-document YAML topology; `source` names the file in error messages. */
export function parseTopology(text: string, source = '<topology>'): Topology {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  const topology: Topology = { providers: [], sites: [], areas: [] };
  const seen = new Map<string, number>();
  const siteDocs: Array<{ site: SiteObject; document: number; doc: Document.Parsed }> = [];

  docs.forEach((doc, i) => {
    const document = i + 1;
    let label = '';
    const fail = (field: string | undefined, message: string, errors: FieldError[] = [], line = lineOf(doc, field, lines)): never => {
      const where = [line ? `line ${line}` : '', label].filter(Boolean).join(', ');
      const detail = `${source}: document ${document}${where ? ` (${where})` : ''}: ${field ? `${field}: ` : ''}${message}`;
      throw new TopologyError('Invalid', detail, { file: source, document, field, line }, errors);
    };
    if (doc.errors.length) fail(undefined, `YAML syntax: ${doc.errors[0].message.split('\n')[0]}`, [], doc.errors[0].linePos?.[0].line);
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) return; // an empty document, e.g. a trailing '---'
    if (typeof obj !== 'object' || Array.isArray(obj)) fail(undefined, 'expected a mapping with apiVersion, kind, metadata and spec');
    const { apiVersion, kind, metadata } = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    if (apiVersion !== API_VERSION) fail('apiVersion', `must be ${JSON.stringify(API_VERSION)}, got ${JSON.stringify(apiVersion)}`);
    const def = typeof kind === 'string' ? TOPOLOGY_KINDS[kind] : undefined;
    if (!def) return fail('kind', `must be one of ${Object.keys(TOPOLOGY_KINDS).join(', ')}, got ${JSON.stringify(kind)}`);
    const name = typeof metadata?.name === 'string' ? metadata.name : '';
    label = name ? `${def.kind} "${name}"` : def.kind;
    const errors = validateObject(def, obj);
    if (errors.length) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more: ${errors.slice(1, 4).map((e) => e.field).join(', ')})` : '';
      fail(errors[0].field, `${errors[0].message}${more}`, errors);
    }
    const key = `${def.kind}/${name}`;
    const first = seen.get(key);
    if (first !== undefined) fail('metadata.name', `duplicate ${def.kind} "${name}" (first defined in document ${first})`);
    seen.set(key, document);
    if (def === ProviderKind) topology.providers.push(obj as ProviderObject);
    else if (def === UserAreaKind) topology.areas.push(obj as UserAreaObject);
    else {
      topology.sites.push(obj as SiteObject);
      siteDocs.push({ site: obj as SiteObject, document, doc });
    }
  });

  const providers = new Set(topology.providers.map((p) => p.metadata.name));
  for (const { site, document, doc } of siteDocs) {
    if (providers.has(site.spec.provider)) continue;
    const line = lineOf(doc, 'spec.provider', lines);
    throw new TopologyError(
      'Invalid',
      `${source}: document ${document} (line ${line}, Site "${site.metadata.name}"): spec.provider: unknown provider "${site.spec.provider}" (known: ${[...providers].join(', ') || 'none'})`,
      { file: source, document, field: 'spec.provider', line },
    );
  }
  return topology;
}
