// Locations of the function driver's test fixtures: function modules mirroring the shared driver fixtures.
import { fileURLToPath } from 'node:url';
import type { Artifact } from '../../../../model/index.js';

export type FunctionFixture = 'http-server' | 'crash' | 'ignore-sigterm' | 'log-flood' | 'probe';

/** Directory of the fixture modules (plain .mjs, no build step); the sandbox must be allowed to read it. */
export const FN_FIXTURE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The function artifact whose handler is the fixture's default export. */
export const fnFixture = (name: FunctionFixture, fn?: Artifact['function']): Artifact => ({
  handler: fileURLToPath(new URL(`./${name}.mjs`, import.meta.url)),
  ...(fn ? { function: fn } : {}),
});
