// What the container driver checks before it is offered: podman, runc, slirp4netns, root, and a working podman home.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Detection } from '../registration.js';
import { Podman, podmanHome, type PodmanResult } from './podman.js';

/** The absolute path of an executable on PATH (plus the sbin dirs root uses), or undefined. */
export function which(file: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, file), constants.X_OK);
      return join(dir, file);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** `podman version` per binary, asked once per process (agents in one process share the answer). */
const versions = new Map<string, Promise<PodmanResult>>();

/**
 * Available when podman answers `version` on the driver's own podman home, runc and slirp4netns exist, and the
 * agent runs as root (per-workload uid maps outside /etc/subuid need it). Never touches the host's podman state.
 */
export async function detectContainerRuntime(o: { home: string; podmanBinary?: string }): Promise<Detection> {
  const bin = o.podmanBinary ?? 'podman';
  if (!bin.includes('/') && !which(bin))
    return { available: false, reason: 'podman is not installed (Debian: apt-get install podman)' };
  if (!which('runc')) return { available: false, reason: 'runc is not installed (podman here needs runc; crun fails)' };
  if (!which('slirp4netns'))
    return { available: false, reason: 'slirp4netns is not installed (needed to publish ports on loopback only)' };
  if (process.getuid?.() !== 0)
    return { available: false, reason: 'the agent does not run as root (per-workload user namespaces need it)' };
  let podman: Podman;
  try {
    // `podman version` reads no storage: nothing is created on disk for the check.
    podman = new Podman(podmanHome(o.home, { create: false }), bin);
  } catch (e) {
    return { available: false, reason: `cannot prepare podman's storage: ${(e as Error).message}` };
  }
  let version = versions.get(bin);
  if (!version) {
    version = podman.exec(['version', '--format', '{{.Client.Version}}'], { timeoutMs: 8000, bare: true });
    versions.set(bin, version);
  }
  const r = await version;
  if (r.code !== 0) {
    versions.delete(bin);
    return { available: false, reason: `podman does not work here: ${r.stderr.trim().slice(0, 300)}` };
  }
  return { available: true, message: `podman ${r.stdout.trim()} with runc; images from the site's local store only` };
}
