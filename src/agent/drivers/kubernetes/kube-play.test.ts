// The rendered YAML runs under `podman kube play` (a real consumer of the same manifests) and the pod answers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectContainerRuntime } from '../container/detect.js';
import { Podman, podmanHome } from '../container/podman.js';
import { fixtureImage, TEST_PODMAN_HOME } from '../container/testing.js';
import { renderWorkload, type KubeObject } from './render.js';
import { toYaml } from './yaml.js';
import { runSpec } from './testing/specs.js';

const detected = await detectContainerRuntime({ home: TEST_PODMAN_HOME });
const podman = new Podman(podmanHome(TEST_PODMAN_HOME));
const dir = mkdtempSync(join(tmpdir(), 'continuum-kube-play-'));
const file = join(dir, 'workload.yaml');
let image = '';
let last = '';

/** The object with the containers' `ports` lists removed (a Deployment's; other kinds unchanged). */
function withoutContainerPorts(o: KubeObject): KubeObject {
  if (o.kind !== 'Deployment') return o;

  const d = structuredClone(o) as any;
  for (const c of d.spec.template.spec.containers) delete c.ports;
  return d as KubeObject;
}

/** Polls `f` until it returns a value (bounded by count, generous for a loaded machine). */
async function until<T>(what: string, f: () => Promise<T | undefined>, tries = 60): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; podman ps: ${last}`);
}

describe.skipIf(!detected.available)(
  `podman kube play ${detected.available ? '' : `(skipped: ${detected.reason})`}`,
  () => {
    beforeAll(async () => {
      image = await fixtureImage();
    }, 180_000);
    afterAll(async () => {
      await podman.exec(['kube', 'down', file]);
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('runs the Deployment with its ConfigMap env, limits and security context; the pod answers', async () => {
      const spec = runSpec(`play/kp${process.pid}`, {
        artifact: { image, command: '/bin/node', args: ['/fixtures/http-server.mjs'] },
        ports: [{ name: 'http', port: 3000 }, { name: 'admin' }],
        env: [{ name: 'GREETING', value: 'hello from a ConfigMap' }],
        resources: { cpu: '500m', memory: '96Mi' },
        healthCheck: { http: { path: '/healthz', port: 'http' } },
      });
      const objs = renderWorkload(spec, { driverId: 'kubeplay' });
      // podman publishes every containerPort on the host's 0.0.0.0 (a Kubernetes node does not): the copy given to
      // podman lists none, and the pod runs without a network; it is asked from inside. All else is as rendered.
      writeFileSync(file, toYaml(objs.map(withoutContainerPorts)));
      // podman runs Deployments, Pods and ConfigMaps and ignores the kinds it has no use for (Namespace, Service, ...).
      await podman.ok(['kube', 'play', '--network', 'none', '--start', file], { timeoutMs: 120_000 });
      const pod = `${objs.find((o) => o.kind === 'Deployment')!.metadata.name}-pod`;
      const ctr = await until('the workload container', async () => {
        const out = await podman.exec(['ps', '-a', '--format', '{{.Names}}']);
        last = out.stdout;
        return out.stdout.split('\n').find((n) => n.startsWith(pod) && n.endsWith('-main'));
      });
      // The pod is asked from inside its own network namespace.
      const answer = await until('an HTTP answer', async () => {
        const r = await podman.exec([
          'exec',
          ctr,
          '/bin/node',
          '-e',
          "fetch('http://127.0.0.1:3000/').then(r => r.text()).then(t => console.log(t), () => process.exit(1))",
        ]);
        return r.code === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as { env: Record<string, string> }) : undefined;
      });
      expect(answer.env).toMatchObject({ GREETING: 'hello from a ConfigMap', PORT: '3000', PORT_ADMIN: '8081' });
      const inspect = JSON.parse(await podman.ok(['inspect', ctr])) as Array<{
        HostConfig: {
          Memory: number;
          CpuQuota: number;
          CpuPeriod: number;
          CapDrop?: string[];
          ReadonlyRootfs: boolean;
        };
        Config: { User: string };
      }>;
      const hc = inspect[0]!.HostConfig;
      expect(hc.Memory).toBe(96 * 1024 * 1024);
      expect(hc.CpuQuota / hc.CpuPeriod).toBeCloseTo(0.5, 2);
      expect(hc.ReadonlyRootfs).toBe(true);
      expect(inspect[0]!.Config.User).toMatch(/^65534/);
    }, 300_000);
  },
);
