// Live test against a real cluster: runs only when CONTINUUM_TEST_KUBECONFIG names a kubeconfig file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKubernetesDriver, detectKubernetes } from './index.js';
import { runSpec } from './testing/specs.js';

const file = process.env.CONTINUUM_TEST_KUBECONFIG;
const image = process.env.CONTINUUM_TEST_K8S_IMAGE ?? 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const why = file
  ? ''
  : 'skipped: set CONTINUUM_TEST_KUBECONFIG to a kubeconfig file of a cluster this test may create namespaces in ' +
    '(no Kubernetes API server can run on these machines)';
if (!file) console.log(`kubernetes live test ${why}`);

describe.skipIf(!file)(`kubernetes driver against a live cluster ${why}`, () => {
  it('detects the cluster, runs a workload until ready, reports capacity, removes it', async () => {
    const kubeconfig = readFileSync(file!, 'utf8');
    const stateDir = mkdtempSync(join(tmpdir(), 'continuum-k8s-live-'));
    expect(await detectKubernetes({ stateDir, kubeconfig })).toMatchObject({ available: true });
    const driver = await createKubernetesDriver({ stateDir, kubeconfig, namespacePrefix: 'continuum-live-' });
    const id = `t${process.pid}/web`;
    try {
      await driver.ensure(
        runSpec(id, {
          artifact: { image, args: ['netexec', '--http-port=8080'] },
          ports: [{ name: 'http', port: 8080 }],
          resources: { cpu: '50m', memory: '64Mi' },
          healthCheck: { http: { path: '/healthz', port: 'http' } },
        }),
      );
      for (let i = 0; i < 240 && !driver.get(id)?.ready; i++) await new Promise((r) => setTimeout(r, 500));
      expect(driver.get(id)).toMatchObject({ phase: 'Running', ready: true });
      expect(driver.allocatable()?.cpu).toBeDefined();
    } finally {
      await driver.remove(id, 1);
      await driver.close({ detach: false });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
