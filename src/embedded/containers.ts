// Containers in the embedded continuum: one podman home for all its agents and the examples image built into it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedAgents } from '../agent/index.js';
import {
  buildExamplesImage,
  Podman,
  podmanHome,
  threeTierContainerManifest,
} from '../agent/drivers/container/index.js';

/** The podman home every embedded agent shares (images are imported once, not once per site). */
export const embeddedPodmanHome = (dataDir: string): string => join(dataDir, 'podman');

/**
 * Where the agents offer the container runtime, builds the examples image into their podman home and writes the
 * container variant of the three-tier example next to it; returns that file (undefined: no container runtime,
 * with the reason for the progress line).
 */
export async function prepareContainerExamples(
  dataDir: string,
  agents: EmbeddedAgents,
): Promise<{ manifest?: string; reason?: string }> {
  const container = agents.all()[0]?.runtimes.find((r) => r.name === 'container');
  if (!container?.available) return { reason: container?.reason ?? 'no agents' };
  const image = await buildExamplesImage(new Podman(podmanHome(embeddedPodmanHome(dataDir))));
  const dir = join(dataDir, 'examples');
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, 'three-tier-containers.yaml');
  writeFileSync(manifest, threeTierContainerManifest(image));
  return { manifest };
}
