// Locations of the driver test fixture programs and a process-runtime artifact that runs one of them with Node.
import { fileURLToPath } from 'node:url';
import type { Artifact } from '../../../model/index.js';

export type FixtureName = 'http-server' | 'crash' | 'ignore-sigterm' | 'log-flood' | 'spawn-child' | 'alloc' | 'busy';

/** Directory of the fixture programs (plain .mjs files, no build step). */
export const FIXTURE_DIR = fileURLToPath(new URL('.', import.meta.url));

export const fixturePath = (name: FixtureName): string => fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));

/** A stand-in agent process: `node --import <REGISTER_TS> <AGENT_CHILD> <stateDir> <spec JSON>`. */
export const AGENT_CHILD = fileURLToPath(new URL('./agent-child.mjs', import.meta.url));
export const REGISTER_TS = fileURLToPath(new URL('./register-ts.mjs', import.meta.url));

/** Runs a fixture with the Node binary running the tests (absolute, so PATH does not matter). */
export const nodeFixture = (name: FixtureName, args: string[] = []): Artifact => ({
  command: process.execPath,
  args: [fixturePath(name), ...args],
});
