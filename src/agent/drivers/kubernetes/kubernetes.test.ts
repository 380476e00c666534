// The kubernetes driver against an in-process Kubernetes API server whose one node runs pods under podman.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../model/index.js';
import type { RunState } from '../driver.js';
import { detectContainerRuntime } from '../container/detect.js';
import { Podman, podmanHome } from '../container/podman.js';
import { fixtureArtifact, fixtureImage, TEST_PODMAN_HOME } from '../container/testing.js';
import { createKubernetesDriver, detectKubernetes, type KubernetesDriver } from './index.js';
import { KubeApiServer } from './testing/api-server.js';
import { PodmanKubelet } from './testing/kubelet.js';
import { runSpec } from './testing/specs.js';

const detected = await detectContainerRuntime({ home: TEST_PODMAN_HOME });
const podman = new Podman(podmanHome(TEST_PODMAN_HOME));
const api = new KubeApiServer();
let kubelet: PodmanKubelet | undefined;
let kubeconfig = '';
let image = '';
const stateDir = mkdtempSync(join(tmpdir(), 'continuum-k8s-driver-'));
const opts = (): { stateDir: string; kubeconfig: string; watchRetryMs: number } => ({
  stateDir,
  kubeconfig,
  watchRetryMs: 100,
});

/** Polls `f` until it returns a value (bounded by count; generous for a loaded machine). */
async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, tries = 240): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const web = (gen = 1, env: Array<{ name: string; value: string }> = []) =>
  runSpec('shop/web', {
    uid: 'u-web',
    generation: gen,
    artifact: fixtureArtifact(image, 'http-server'),
    ports: [{ name: 'http', port: 3000 }],
    env,
    resources: { cpu: '250m', memory: '64Mi' },
    healthCheck: { http: { path: '/healthz', port: 'http' }, periodSeconds: 0.5 },
  });

beforeAll(async () => {
  kubeconfig = api.kubeconfig(await api.listen());
  if (detected.available) {
    image = await fixtureImage();
    kubelet = new PodmanKubelet(api, podman);
  }
}, 180_000);

afterAll(async () => {
  await kubelet?.close();
  await api.close();
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe('kubernetes driver: detection', () => {
  it('is available when the cluster answers, and says why not otherwise', async () => {
    expect(await detectKubernetes({ stateDir, kubeconfig })).toMatchObject({
      available: true,
      message: expect.stringContaining('v1.31.0-continuum-test'),
    });
    expect(await detectKubernetes({ stateDir })).toEqual({
      available: false,
      reason: 'no kubeconfig given to the agent',
    });
    const dead = api.kubeconfig('http://127.0.0.1:1');
    const d = await detectKubernetes({ stateDir, kubeconfig: dead });
    expect(d.available).toBe(false);
    expect(d.available ? '' : d.reason).toMatch(/not reachable/);
  });
});

describe.skipIf(!detected.available)(
  `kubernetes driver on a podman node ${detected.available ? '' : `(skipped: ${detected.reason})`}`,
  () => {
    let driver: KubernetesDriver;
    const seen: RunState[] = [];

    it('applies every object with server-side apply and reports the pod ready', async () => {
      driver = await createKubernetesDriver(opts());
      driver.onChange((s) => seen.push(s));
      const first = await driver.ensure(web());
      expect(first).toMatchObject({ id: 'shop/web', phase: 'Starting', ready: false, ports: { http: 3000 } });
      expect(first.host).toMatch(/^10\.96\.0\.\d+$/);
      expect(first.limits).toEqual({ cpu: true, memory: true });
      for (const kind of ['Namespace', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy'])
        expect(api.requests).toContain(`PATCH ${kind}`);
      expect(api.get('Namespace', undefined, 'continuum-shop')?.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'continuum',
        'continuum.eu/driver': driver.driverId,
      });
      await until('Running and ready', () => driver.get('shop/web')?.ready);
      expect(driver.get('shop/web')!.phase).toBe('Running');
      expect(seen.some((s) => s.phase === 'Starting') && seen.some((s) => s.ready)).toBe(true);
    }, 240_000);

    it("reports the cluster nodes' allocatable capacity", () => {
      const node = api.get('Node', undefined, 'podman-node') as unknown as { status: { allocatable: { cpu: string } } };
      expect(driver.allocatable()?.cpu).toBe(
        Number(node.status.allocatable.cpu) === 1 ? '1' : node.status.allocatable.cpu,
      );
      expect(driver.allocatable()?.memory).toMatch(/Mi|Gi$/);
    });

    it('same generation: nothing applied; a new one replaces the pod, whose logs the driver streams', async () => {
      const before = api.requests.length;
      await driver.ensure(web());
      expect(api.requests.length).toBe(before);
      await driver.ensure(web(2, [{ name: 'GREETING', value: 'v2' }]));
      expect(driver.get('shop/web')).toMatchObject({ generation: 2, ready: false });
      await until('generation 2 ready', () => driver.get('shop/web')?.ready);
      const pods = api.list('Pod', 'continuum-shop');
      expect(pods).toHaveLength(1);
      expect(pods[0]!.metadata.annotations?.['continuum.eu/generation']).toBe('2');
      const lines: string[] = [];
      for await (const l of driver.logs('shop/web', { tail: 10 })) lines.push(l);
      expect(lines.join('\n')).toMatch(/listening on 3000/);
    }, 240_000);

    it('counts crash restarts from the pod status', async () => {
      await driver.ensure(
        runSpec('shop/crasher', {
          artifact: fixtureArtifact(image, 'crash'),
          env: [{ name: 'CRASH_AFTER_MS', value: '300' }],
        }),
      );
      const s = await until('a restart', () => {
        const st = driver.get('shop/crasher');
        return st && st.restarts > 0 ? st : undefined;
      });
      // The test kubelet cannot see the exit code of a container podman restarted already (real kubelets can).
      expect(s.phase).toMatch(/Starting|Running/); // a Deployment never gives up on a crashing pod
    }, 240_000);

    it('a new driver on the same state dir adopts what the old one left running', async () => {
      await driver.close({ detach: true });
      const deployGen = api.get('Deployment', 'continuum-shop', 'web')!.metadata.generation;
      driver = await createKubernetesDriver(opts());
      const adopted = await until('adoption', () => driver.get('shop/web'));
      expect(adopted).toMatchObject({ generation: 2, uid: 'u-web', envPending: true, ports: { http: 3000 } });
      await until('adopted workload ready', () => driver.get('shop/web')?.ready);
      await driver.ensure(web(2, [{ name: 'GREETING', value: 'v2' }]));
      expect(driver.get('shop/web')?.envPending).toBeUndefined();
      expect(api.get('Deployment', 'continuum-shop', 'web')!.metadata.generation).toBe(deployGen);
      expect(api.list('Pod', 'continuum-shop').filter((p) => p.metadata.name.startsWith('web-'))).toHaveLength(1);
    }, 240_000);

    it('relists and keeps watching after the server ends its watches', async () => {
      api.endWatches();
      await driver.ensure(web(3));
      await until('generation 3 ready after the watch restarted', () => {
        const s = driver.get('shop/web');
        return s?.generation === 3 && s.ready;
      });
    }, 240_000);

    it('an unusable spec is Invalid and applies nothing', async () => {
      const before = api.requests.length;
      await expect(driver.ensure(runSpec('shop/bad', { artifact: { command: '/bin/node' } }))).rejects.toBeInstanceOf(
        ApiError,
      );
      expect(api.requests.length).toBe(before);
    });

    it('remove deletes the objects, the pod, and the tenant namespace once empty', async () => {
      const ended: RunState[] = [];
      driver.onChange((s) => (s.id === 'shop/web' && s.phase === 'Terminated' ? ended.push(s) : undefined));
      await driver.remove('shop/web', 1);
      expect(ended).toHaveLength(1);
      for (const kind of ['ConfigMap', 'Deployment', 'Service', 'NetworkPolicy'])
        expect(api.get(kind, 'continuum-shop', 'web')).toBeUndefined();
      expect(api.get('Namespace', undefined, 'continuum-shop')).toBeDefined(); // shop/crasher still lives there
      await driver.remove('shop/crasher', 1);
      expect(api.get('Namespace', undefined, 'continuum-shop')).toBeUndefined();
      // Generous: podman serialises on its storage lock, and other suites use the same podman home.
      await until(
        'pods gone from podman',
        async () => {
          const r = await podman.exec(['ps', '-a', '--format', '{{.Names}}']);
          return !r.stdout.includes(kubelet!.prefix) || undefined;
        },
        720,
      );
      expect(driver.list()).toEqual([]);
      await driver.remove('shop/web');
      await driver.close({ detach: false });
    }, 240_000);
  },
);
