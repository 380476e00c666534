// The examples' container image (Node + the examples under /artifacts) and the three-tier manifest that runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../lib/package.js';
import { ensureNodeImage } from './image.js';
import type { Podman } from './podman.js';

/** Where images built by Continuum keep the artifact tree: `$(ARTIFACTS)` in a container artifact means this. */
export const IMAGE_ARTIFACTS = '/artifacts';
/** Repository name of the examples image. */
export const EXAMPLES_IMAGE = 'continuum/examples';
/** The placeholder the container example manifest has where the image reference goes. */
export const IMAGE_PLACEHOLDER = '${EXAMPLES_IMAGE}';

/** Builds (once per content) the examples image into the podman home; returns `localhost/…@sha256:…`. */
export function buildExamplesImage(podman: Podman, root: string = packageRoot()): Promise<string> {
  return ensureNodeImage(podman, {
    name: EXAMPLES_IMAGE,
    files: [{ src: join(root, 'examples'), dest: `${IMAGE_ARTIFACTS}/examples` }],
  });
}

/** The container variant of the three-tier example with the image reference filled in. */
export function threeTierContainerManifest(image: string, root: string = packageRoot()): string {
  const text = readFileSync(join(root, 'examples', 'three-tier', 'app-containers.yaml'), 'utf8');
  return text.split(IMAGE_PLACEHOLDER).join(image);
}
