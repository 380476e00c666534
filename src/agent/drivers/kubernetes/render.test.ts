// Rendered manifests validate against the Kubernetes OpenAPI schemas, keep tenants apart and refuse unusable specs.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../model/index.js';
import { namesOf } from './names.js';
import { renderWorkload, type KubeObject } from './render.js';
import { schemaProblems } from './testing/schema.js';
import { runSpec } from './testing/specs.js';

const o = { driverId: 'd1234567' };
const byKind = (objs: KubeObject[], kind: string): KubeObject => objs.find((x) => x.kind === kind)!;

type Any = any;

const VARIANTS = {
  full: runSpec('shop/web', {
    ports: [{ name: 'http', port: 3000 }, { name: 'admin' }],
    env: [
      { name: 'GREETING', value: 'hi' },
      { name: 'DB_URL', value: 'postgres://db:5432' },
    ],
    resources: { cpu: '250m', memory: '128Mi', gpu: 1 },
    healthCheck: { http: { path: '/healthz', port: 'http' }, periodSeconds: 0.5, timeoutSeconds: 0.2 },
  }),
  bare: runSpec('t/worker'),
  tcp: runSpec('t/tcp', { ports: [{ name: 'db' }], healthCheck: { tcp: {} }, resources: { cpu: 2, memory: '1Gi' } }),
  exec: runSpec('t/exec', { healthCheck: { exec: { command: ['/bin/node', '-e', '0'] } }, resources: { cpu: 0.5 } }),
  long: runSpec(`${'t'.repeat(63)}/${'w'.repeat(63)}`, { ports: [{ name: 'p' }] }),
  digits: runSpec('1tenant/9lives', { ports: [{ name: 'p', port: 80 }] }),
};

describe('kubernetes manifests', () => {
  for (const [name, spec] of Object.entries(VARIANTS)) {
    it(`${name}: every object validates against the OpenAPI schema, with no unknown field`, () => {
      const objs = renderWorkload(spec, o);
      expect(objs.map((x) => x.kind)).toEqual(
        spec.ports.length
          ? ['Namespace', 'ConfigMap', 'Deployment', 'Service', 'NetworkPolicy']
          : ['Namespace', 'ConfigMap', 'Deployment', 'NetworkPolicy'],
      );
      for (const obj of objs) expect(schemaProblems(obj)).toEqual([]);
      for (const obj of objs) {
        expect(obj.metadata.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
        expect(obj.metadata.name.length).toBeLessThanOrEqual(63);
        for (const v of Object.values(obj.metadata.labels ?? {})) expect(v.length).toBeLessThanOrEqual(63);
      }
    });
  }

  it('the schema check rejects what the API server would (so the tests above can fail)', () => {
    const d = byKind(renderWorkload(VARIANTS.full, o), 'Deployment') as Any;
    const c = d.spec.template.spec.containers[0];
    c.ports[0].containerPort = 'http';
    c.resources.limits.cpu = 'lots';
    c.bogus = true;
    delete d.spec.selector;
    const problems = schemaProblems(d).join('\n');
    expect(problems).toMatch(/containerPort must be integer/);
    expect(problems).toMatch(/limits\/cpu must match format "quantity"/);
    expect(problems).toMatch(/must have required property selector/);
    expect(problems).toMatch(/containers\[0\]\.bogus: unknown field/);
  });

  it('requests equal limits; ports, env and probes follow the spec', () => {
    const objs = renderWorkload(VARIANTS.full, o);
    const d = byKind(objs, 'Deployment') as Any;
    const c = d.spec.template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '250m', memory: '128Mi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '250m', memory: '128Mi', 'nvidia.com/gpu': '1' },
    });
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 3000, protocol: 'TCP' },
      { name: 'admin', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 1 });
    const cm = byKind(objs, 'ConfigMap') as Any;
    expect(cm.data).toMatchObject({ PORT: '3000', PORT_HTTP: '3000', PORT_ADMIN: '8081', GREETING: 'hi' });
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'web' } }]);
    expect((byKind(objs, 'Service') as Any).spec.ports.map((p: Any) => p.port)).toEqual([3000, 8081]);
    for (const x of objs) expect(x.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'continuum' });
    expect(d.metadata.annotations).toEqual({ 'continuum.eu/id': 'shop/web', 'continuum.eu/generation': '1' });
  });

  it('unusable specs are Invalid with the field that is wrong', () => {
    const fail = (f: () => unknown): ApiError => {
      try {
        f();
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('expected a failure');
    };
    const noImage = fail(() => renderWorkload(runSpec('t/a', { artifact: { command: '/bin/x' } }), o));
    expect(noImage).toBeInstanceOf(ApiError);
    expect(noImage.code).toBe('Invalid');
    expect(noImage.errors[0]?.field).toBe('spec.artifact.image');
    const never = fail(() => renderWorkload(runSpec('t/a', { restartPolicy: 'Never' }), o));
    expect(never.errors[0]?.field).toBe('spec.restartPolicy');
    const badPort = fail(() =>
      renderWorkload(runSpec('t/a', { ports: [{ name: 'a' }], healthCheck: { http: { path: '/', port: 'b' } } }), o),
    );
    expect(badPort.errors[0]?.field).toBe('spec.healthCheck.http.port');
  });
});

describe('kubernetes manifests: hostile tenants', () => {
  it('tenants get distinct namespaces, even when their names only differ past the length limit', () => {
    const a = namesOf(`${'a'.repeat(60)}x/w`);
    const b = namesOf(`${'a'.repeat(60)}y/w`);
    expect(a.namespace).not.toBe(b.namespace);
    expect(namesOf('a-b/c').namespace).not.toBe(namesOf('a/b-c').namespace);
    // A tenant cannot name itself into another prefix's namespace: the prefix is always prepended.
    expect(namesOf('kube-system/x').namespace).toBe('continuum-kube-system');
  });

  it('pods run unprivileged, without a service account token, under restricted pod security', () => {
    const objs = renderWorkload(VARIANTS.full, o);
    const pod = (byKind(objs, 'Deployment') as Any).spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
    });
    expect(byKind(objs, 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it("network policy: ingress only from the tenant's pods and the gateway, egress only to them and DNS", () => {
    const np = byKind(renderWorkload(VARIANTS.full, o), 'NetworkPolicy') as Any;
    expect(np.metadata.namespace).toBe('continuum-shop');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toHaveLength(1);
    expect(np.spec.ingress[0].from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'continuum.eu/gateway': 'true' } } },
    ]);
    expect(np.spec.egress[0]).toEqual({ to: [{ podSelector: {} }] });
    expect(np.spec.egress[1].ports.every((p: Any) => p.port === 53)).toBe(true);
  });

  it('env values cannot reach outside the ConfigMap data (no YAML or field injection)', () => {
    const evil = 'x\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: evil}';
    const objs = renderWorkload(runSpec('t/a', { env: [{ name: 'EVIL', value: evil }] }), o);
    expect((byKind(objs, 'ConfigMap') as Any).data.EVIL).toBe(evil);
    expect(objs.some((x) => x.kind === 'Pod')).toBe(false);
  });
});
