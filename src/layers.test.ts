// Enforces the layer order of src/ over every production file, and shows that an upward import is caught.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImports, importSpecifiers, LAYERS } from './layers.js';

const SRC = import.meta.dirname;

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

describe('layers', () => {
  it('every top-level folder of src/ has a rank', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => LAYERS[f] === undefined)).toEqual([]);
  });

  it('no production file imports a higher or sibling layer', () => {
    const violations = [...sources(SRC)].flatMap((p) => {
      const rel = relative(SRC, p).split('\\').join('/');
      return checkImports(rel, importSpecifiers(readFileSync(p, 'utf8')));
    });
    expect(violations.map((v) => `${v.file}: ${v.imports} — ${v.reason}`)).toEqual([]);
  });

  it.each([
    [
      'store/store.ts',
      "import { Informer } from '../runtime/index.js';",
      'store (rank 2) may not import runtime (rank 4)',
    ],
    ['model/meta.ts', "export { x } from '../placement/index.js';", 'model (rank 1) may not import placement (rank 5)'],
    ['api/server.ts', "const m = await import('../controllers/index.js');", 'api (rank 6) may not import controllers'],
    [
      'agent/agent.ts',
      "import type { X } from '../controlplane/index.js';",
      'agent (rank 7) may not import controlplane',
    ],
  ])('catches a deliberate upward import in %s', (file, source, reason) => {
    const v = checkImports(file, importSpecifiers(source));
    expect(v).toHaveLength(1);
    expect(v[0].reason).toContain(reason);
  });

  it.each([
    ['agent/agent.ts', "import { Informer } from '../runtime/index.js';"],
    ['controllers/gc/gc.ts', "import { Store } from '../../store/index.js';"],
    ['agent/tunnel/client.ts', "import { x } from '../agent.js';"],
    ['api/api.test.ts', "import { startControlPlane } from '../controlplane/index.js';"],
    ['api/testing/env.ts', "import { run } from '../../cli/main.js';"],
    ['cli/main.ts', "import { Store } from 'node:fs';"],
  ])('allows %s: %s', (file, source) => {
    expect(checkImports(file, importSpecifiers(source))).toEqual([]);
  });
});
