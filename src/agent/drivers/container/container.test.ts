// The container driver runs the shared driver conformance suite against real podman containers.
import { beforeAll } from 'vitest';
import { describeDriverConformance } from '../conformance.js';
import { containerDriver } from './index.js';
import { detectContainerRuntime } from './detect.js';
import { fixtureArtifact, fixtureImage, TEST_PODMAN_HOME, TEST_UID_REGISTRY } from './testing.js';

let image = '';
beforeAll(async () => {
  if ((await detectContainerRuntime({ home: TEST_PODMAN_HOME })).available) image = await fixtureImage();
}, 120_000);

describeDriverConformance(containerDriver, {
  artifact: (f) => fixtureArtifact(image, f),
  options: {
    podmanHome: TEST_PODMAN_HOME,
    uidRegistryDir: TEST_UID_REGISTRY,
    backoff: { baseMs: 50, maxMs: 400, resetAfterMs: 5000 },
  },
  // RunState.pid is the host pid of the container's init, not the pid the program sees in its namespace.
  hostPids: false,
});
