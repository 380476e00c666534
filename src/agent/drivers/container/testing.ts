// Test support for the container driver: one shared podman home with the fixture image, imported once per host.
import { fileURLToPath } from 'node:url';
import type { Artifact } from '../../../model/index.js';
import type { FixtureName } from '../testing/fixtures.js';
import { ensureNodeImage } from './image.js';
import { Podman, podmanHome } from './podman.js';

/** Podman home shared by the container driver tests (the fixture image is imported there once). */
export const TEST_PODMAN_HOME = '/tmp/continuum-podman-test';
/** User-namespace block registry of the tests (kept apart from a real agent's). */
export const TEST_UID_REGISTRY = '/tmp/continuum-podman-test-userns';

const FIXTURES = fileURLToPath(new URL('../testing/', import.meta.url));

/** Imports (once) the image with Node and the driver test fixtures under /fixtures; returns its digest reference. */
export function fixtureImage(): Promise<string> {
  return ensureNodeImage(new Podman(podmanHome(TEST_PODMAN_HOME)), {
    name: 'continuum/driver-fixtures',
    files: [{ src: FIXTURES, dest: '/fixtures' }],
  });
}

/** The artifact running a fixture program inside the fixture image. */
export const fixtureArtifact = (image: string, name: FixtureName): Artifact => ({
  image,
  command: '/bin/node',
  args: [`/fixtures/${name}.mjs`],
});
