// Public surface of the kubernetes driver: the driver, its options, rendering, and its registration (ADR 0019).
import type { DriverCreateOptions, DriverRegistration, Detection } from '../registration.js';
import { createKubernetesDriver, type KubernetesDriverOptions } from './driver.js';
import { Kube, loadKubeConfig } from './kube.js';

export { createKubernetesDriver, KubernetesDriver, type KubernetesDriverOptions } from './driver.js';
export { renderWorkload, containerPorts, type KubeObject, type RenderOptions } from './render.js';
export { clusterAllocatable } from './capacity.js';
export { toYaml } from './yaml.js';
export { namesOf } from './names.js';

/** How long detection waits for the cluster's /version. */
const DETECT_TIMEOUT_MS = 5000;

/** Available when a kubeconfig is given and its cluster answers /version in time. */
export async function detectKubernetes(o: DriverCreateOptions): Promise<Detection> {
  const src = o as KubernetesDriverOptions;
  if (!src.kubeconfig && !src.kubeconfigPath) return { available: false, reason: 'no kubeconfig given to the agent' };
  try {
    const kube = new Kube(loadKubeConfig(src));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${DETECT_TIMEOUT_MS} ms`)), DETECT_TIMEOUT_MS);
    });
    try {
      const version = await Promise.race([kube.version(), timeout]);
      return { available: true, message: `cluster ${kube.server} (Kubernetes ${version})` };
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    return { available: false, reason: `kubernetes cluster not reachable: ${(e as Error).message}` };
  }
}

/** The `kubernetes` runtime: workloads become Deployments in a cluster, applied with server-side apply. */
export const kubernetesDriver: DriverRegistration = {
  kind: 'kubernetes',
  detect: detectKubernetes,
  // The agent passes its driverOptions through (kubeconfig or kubeconfigPath among them).
  create: (o) => createKubernetesDriver(o as KubernetesDriverOptions),
};
