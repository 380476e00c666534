// Tests only: finds a file of the project's shared reference specs (`../shared/specs/...` beside the checkout).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `$CONTINUUM_SPECS/<rel>` when set, else `shared/specs/<rel>` in the working directory, one of its parents, or
 * beside one of them (CI clones the repository with `../shared` next to it). Throws naming what it looked for.
 */
export function sharedSpec(rel: string): string {
  if (process.env.CONTINUUM_SPECS) return join(process.env.CONTINUUM_SPECS, rel);
  const want = join('shared', 'specs', rel);
  for (let dir = resolve(process.cwd()); ; dir = dirname(dir)) {
    for (const cand of [join(dir, want), join(dir, '..', want)]) if (existsSync(cand)) return cand;
    if (dirname(dir) === dir) throw new Error(`spec not found (set CONTINUUM_SPECS): looked for ${want}`);
  }
}
