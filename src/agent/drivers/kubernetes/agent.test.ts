// A site agent with the kubernetes driver: a Workload becomes Deployment and pod, its readiness and the cluster's
// capacity reach the control plane, and deleting the Workload deletes the objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteKind, WorkloadKind, type SiteStatus, type WorkloadStatus } from '../../../model/index.js';
import { ContinuumClient } from '../../../client/index.js';
import { AgentEnv, testSiteSpec, waitFor } from '../../testing/env.js';
import { detectContainerRuntime } from '../container/detect.js';
import { Podman, podmanHome } from '../container/podman.js';
import { fixtureArtifact, fixtureImage, TEST_PODMAN_HOME } from '../container/testing.js';
import { kubernetesDriver } from './index.js';
import { KubeApiServer } from './testing/api-server.js';
import { PodmanKubelet } from './testing/kubelet.js';

const detected = await detectContainerRuntime({ home: TEST_PODMAN_HOME });
const env = new AgentEnv();
const api = new KubeApiServer();
/** What the agent warned about (shown when a wait fails). */
const warnings: string[] = [];
let kubelet: PodmanKubelet | undefined;

describe.skipIf(!detected.available)(
  `agent with the kubernetes runtime ${detected.available ? '' : `(skipped: ${detected.reason})`}`,
  () => {
    let client: ContinuumClient;
    let site: string;
    let image: string;

    beforeAll(async () => {
      const kubeconfig = api.kubeconfig(await api.listen());
      image = await fixtureImage();
      kubelet = new PodmanKubelet(api, new Podman(podmanHome(TEST_PODMAN_HOME)));
      await env.startControlPlane();
      client = new ContinuumClient({ server: env.url, token: env.token });
      site = env.siteName('k8s');
      await env.agent(site, {
        // Workloads answer on Service cluster IPs: the site declares the cluster's Service range as its network.
        siteSpec: { ...testSiteSpec(), runtimes: ['kubernetes'], workloadNetworks: ['10.96.0.0/12'] },
        drivers: [kubernetesDriver],
        driverOptions: { kubeconfig, watchRetryMs: 100 },
        log: { info: () => {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) },
      });
    }, 180_000);
    afterAll(async () => {
      await env.cleanup();
      await kubelet?.close();
      await api.close();
    }, 120_000);

    it("reports the runtime and the cluster's allocatable capacity in the Site status", async () => {
      const st = await waitFor(async () => {
        const s = (await client.get(SiteKind, undefined, site)).status as SiteStatus | undefined;
        return s?.runtimes && s.allocatable && s;
      }, 'site status');
      expect(st.runtimes).toContainEqual(expect.objectContaining({ name: 'kubernetes', available: true }));
      const node = api.get('Node', undefined, 'podman-node') as unknown as { status: { allocatable: { cpu: string } } };
      expect(String(st.allocatable!.cpu)).toBe(node.status.allocatable.cpu);
    });

    it('runs a Workload as a Deployment, reports it Running, and deletes the objects with the Workload', async () => {
      let last: WorkloadStatus | undefined;
      await env.workload('web', site, {
        runtime: 'kubernetes',
        artifact: fixtureArtifact(image, 'http-server'),
        ports: [{ name: 'http', port: 3000 }],
        healthCheck: { http: { path: '/healthz', port: 'http' } },
      });
      const st = await waitFor(
        async () => {
          const s = ((await env.getWorkload('web'))?.status ?? {}) as WorkloadStatus;
          last = s;
          return s.phase === 'Running' && s;
        },
        'web Running',
        60_000,
      ).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}: ${JSON.stringify(last)} ${warnings.slice(-5).join(' | ')}`);
      });
      expect(st).toMatchObject({ ports: { http: 3000 } });
      expect(api.get('Deployment', 'continuum-default', 'web')).toBeDefined();
      await client.delete(WorkloadKind, 'default', 'web');
      await waitFor(() => !api.get('Deployment', 'continuum-default', 'web'), 'Deployment deleted', 60_000);
      await waitFor(() => !api.get('Namespace', undefined, 'continuum-default'), 'tenant namespace deleted', 60_000);
    }, 240_000);
  },
);
