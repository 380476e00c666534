// The embedded continuum trusts its single user: a RuntimePolicy lets the `default` namespace run anything.
import { API_VERSION, RuntimePolicyKind } from '../model/index.js';
import type { Store } from '../store/index.js';

export const EMBEDDED_POLICY = 'embedded-user';

/**
 * `continuum up` is one user's continuum on one machine: the `default` namespace may run any command as a
 * (confined) process and any local image as a container (ADR 0024). Created when absent on every start; other
 * namespaces (tenants an admin adds) get nothing until a cloud-edge admin writes them a policy.
 */
export async function ensureEmbeddedRuntimePolicy(store: Store): Promise<void> {
  if (await store.get(RuntimePolicyKind, 'default', EMBEDDED_POLICY)) return;
  await store.create(RuntimePolicyKind, {
    apiVersion: API_VERSION,
    kind: 'RuntimePolicy',
    metadata: { name: EMBEDDED_POLICY, namespace: 'default' },
    spec: {
      runtimes: ['process', 'container'],
      description: 'continuum up trusts its single user: the default namespace runs any command or local image.',
    },
  });
}
