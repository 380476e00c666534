// Reads manifests for apply/delete -f: files, directories (*.yaml, *.yml, *.json) or stdin, multi-document.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiError, type ResourceInput } from '../../model/index.js';

export interface Manifest {
  source: string;
  index: number;
  object: ResourceInput;
}

function filesOf(path: string): string[] {
  if (path === '-') return ['-'];
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`${path}: no such file or directory`);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

const ORDER = [
  'Namespace',
  'Provider',
  'UserArea',
  'Site',
  'Secret',
  'RoleBinding',
  'ClusterRoleBinding',
  'Application',
  'Deployment',
];

export function readManifests(
  paths: string[],
  defaultNamespace: string | undefined,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): Manifest[] {
  const out: Manifest[] = [];
  for (const p of paths) {
    for (const file of filesOf(p)) {
      const text = file === '-' ? stdin() : readFileSync(file, 'utf8');
      const source = file === '-' ? '<stdin>' : file;
      const docs = parseAllDocuments(text, { uniqueKeys: true });
      if (!Array.isArray(docs)) continue;
      docs.forEach((doc, i) => {
        if (doc.errors.length)
          throw new ApiError('MalformedBody', `${source}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
        let obj: ResourceInput | null;
        try {
          obj = doc.toJS({ maxAliasCount: 100 }) as ResourceInput | null;
        } catch (e) {
          throw new ApiError('MalformedBody', `${source}: document ${i + 1}: ${(e as Error).message}`);
        }
        if (obj === null || obj === undefined) return;
        if (typeof obj !== 'object' || Array.isArray(obj) || !obj.kind || !obj.metadata?.name) {
          throw new ApiError('Invalid', `${source}: document ${i + 1}: not an object with kind and metadata.name`, [
            { field: 'kind', message: 'required' },
          ]);
        }
        if (
          defaultNamespace &&
          obj.metadata.namespace === undefined &&
          !['Namespace', 'Provider', 'Site', 'UserArea', 'Lease', 'ClusterRoleBinding', 'Token'].includes(obj.kind)
        ) {
          obj.metadata.namespace = defaultNamespace;
        }
        out.push({ source, index: i + 1, object: obj });
      });
    }
  }
  const rank = (k: string): number => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  return out
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m.object.kind) - rank(b.m.object.kind) || a.i - b.i)
    .map((x) => x.m);
}
