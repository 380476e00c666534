// Public surface of the container driver: the driver, its options, image building, and its registration.
import { join } from 'node:path';
import type { DriverRegistration } from '../registration.js';
import { detectContainerRuntime } from './detect.js';
import { createContainerDriver, type ContainerDriverOptions } from './driver.js';

export { ContainerDriver, createContainerDriver, type ContainerDriverOptions } from './driver.js';
export { detectContainerRuntime } from './detect.js';
export { ensureNodeImage, digestOf, type ImageFile, type NodeImageOptions } from './image.js';
export { Podman, podmanHome, runDirOf, type PodmanHome } from './podman.js';
export { buildExamplesImage, threeTierContainerManifest, IMAGE_ARTIFACTS } from './examples.js';

/** The podman home a driver uses: the `podmanHome` option, else `<stateDir>/podman`. */
const homeOf = (o: { stateDir: string; podmanHome?: unknown }): string =>
  typeof o.podmanHome === 'string' ? o.podmanHome : join(o.stateDir, 'podman');

/** The `container` runtime: confined podman containers (ADR 0011). */
export const containerDriver: DriverRegistration = {
  kind: 'container',
  detect: (o) =>
    detectContainerRuntime({
      home: homeOf(o),
      podmanBinary: typeof o.podmanBinary === 'string' ? o.podmanBinary : undefined,
    }),
  // The agent passes its driverOptions through, typed as ContainerDriverOptions at AgentOptions.
  create: (o) => createContainerDriver(o as ContainerDriverOptions),
};
