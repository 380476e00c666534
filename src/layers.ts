// The layer order of src/: which top-level folder may import which (enforced by layers.test.ts, ADR 0007).

/**
 * Rank of each top-level folder under src/. A production file may import a file of its own folder or of a
 * folder with a strictly lower rank; folders sharing a rank are independent of each other. Test files
 * (`*.test.ts`) and `testing/` folders may import anything (end-to-end tests assemble the whole system).
 */
export const LAYERS: Readonly<Record<string, number>> = {
  lib: 0,
  model: 1,
  store: 2,
  topology: 2,
  sustainability: 2,
  management: 2,
  client: 3,
  runtime: 4,
  placement: 5,
  security: 5,
  controllers: 6,
  api: 6,
  agent: 7,
  federation: 7,
  controlplane: 8,
  embedded: 9,
  cli: 10,
};

/**
 * Folders a higher layer must still not import. A site agent runs far from the control plane: it talks to it
 * only through the wire contract (client/) and the shared runtime, never through server-side code.
 */
export const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  agent: ['store', 'placement', 'security', 'controllers', 'api'],
};

export interface LayerViolation {
  file: string;
  imports: string;
  reason: string;
}

/** Top-level folder of a path relative to src/ ("agent/tunnel/x.ts" → "agent"); files directly in src/ → "". */
const topOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '');

const isTestOnly = (rel: string): boolean => rel.endsWith('.test.ts') || rel.split('/').includes('testing');

/**
 * Checks one file's relative imports. `rel` is the file's path relative to src/ and `specifiers` its import
 * specifiers; the result lists every import that points up or sideways, or into an unknown folder.
 */
export function checkImports(rel: string, specifiers: readonly string[]): LayerViolation[] {
  if (isTestOnly(rel)) return [];
  const from = topOf(rel);
  if (from === '') return [];
  const out: LayerViolation[] = [];
  const fromRank = LAYERS[from];
  if (fromRank === undefined) return [{ file: rel, imports: '', reason: `folder ${from}/ has no rank in LAYERS` }];
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) continue;
    const target = normalise(rel, spec);
    if (target.startsWith('../')) {
      out.push({ file: rel, imports: spec, reason: 'points outside src/' });
      continue;
    }
    const to = topOf(target);
    if (to === from || to === '') continue;
    const toRank = LAYERS[to];
    if (toRank === undefined) out.push({ file: rel, imports: spec, reason: `folder ${to}/ has no rank in LAYERS` });
    else if (FORBIDDEN[from]?.includes(to))
      out.push({ file: rel, imports: spec, reason: `${from} may not import ${to} (server-side code)` });
    else if (toRank >= fromRank)
      out.push({
        file: rel,
        imports: spec,
        reason: `${from} (rank ${fromRank}) may not import ${to} (rank ${toRank})`,
      });
  }
  return out;
}

/** Resolves `spec` against the directory of `rel` (both relative to src/), POSIX style. */
function normalise(rel: string, spec: string): string {
  const parts = rel.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '.' || p === '') continue;
    if (p === '..') {
      if (parts.length === 0 || parts[parts.length - 1] === '..') parts.push('..');
      else parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

/** Import and export-from specifiers of a TypeScript source (static and dynamic imports). */
export function importSpecifiers(source: string): string[] {
  const re =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const out: string[] = [];
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
