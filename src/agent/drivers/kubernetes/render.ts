// Renders a RunSpec into the Kubernetes objects that run it: Namespace, ConfigMap, Deployment, Service, NetworkPolicy.
import { ApiError, mebibytes, milliCpu, type HealthCheck } from '../../../model/index.js';
import type { RunSpec } from '../driver.js';
import {
  DRIVER_LABEL,
  GENERATION_ANNOTATION,
  ID_ANNOTATION,
  MANAGED_BY,
  MANAGER,
  TENANT_LABEL,
  UID_LABEL,
  WORKLOAD_LABEL,
  labelValue,
  namesOf,
  type WorkloadNames,
} from './names.js';

/** A Kubernetes object as the driver renders it (plain JSON, applied as is). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface RenderOptions {
  /** Identity of the driver instance (label value on every object). */
  driverId: string;
  /** Prefix of the per-tenant namespaces (default `continuum-`). */
  namespacePrefix?: string;
  /** Namespaces labelled `continuum.eu/gateway=true` may reach every workload's ports (the gateway's). */
  gatewayLabel?: string;
}

/** First container port used for a port that declares none (the next ones follow). */
export const DEFAULT_PORT_BASE = 8080;

/** The container port of each declared port, by name (declared, else DEFAULT_PORT_BASE + index). */
export function containerPorts(spec: Pick<RunSpec, 'ports'>): Record<string, number> {
  return Object.fromEntries(spec.ports.map((p, i) => [p.name, p.port ?? DEFAULT_PORT_BASE + i]));
}

const envName = (port: string): string => `PORT_${port.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** Seconds as the integer Kubernetes probes want (at least `min`). */
const whole = (s: number | undefined, dflt: number, min = 1): number => Math.max(min, Math.ceil(s ?? dflt));

function probeOf(h: HealthCheck, ports: Record<string, number>, first: string | undefined): Record<string, unknown> {
  const port = (name: string | undefined): number | undefined => {
    const n = name ?? first;
    return n === undefined ? undefined : ports[n];
  };
  const timing = {
    initialDelaySeconds: Math.floor(h.initialDelaySeconds ?? 0),
    periodSeconds: whole(h.periodSeconds, 10),
    timeoutSeconds: whole(h.timeoutSeconds, 1),
    failureThreshold: h.failureThreshold ?? 3,
  };
  const need = (n: string | undefined, what: string): number => {
    const p = port(n);
    if (p === undefined)
      throw new ApiError('Invalid', `${what} health check names port ${n ?? '(first)'} the workload does not declare`, [
        { field: `spec.healthCheck.${what}.port`, message: 'no such port' },
      ]);
    return p;
  };
  if (h.http) return { httpGet: { path: h.http.path, port: need(h.http.port, 'http') }, ...timing };
  if (h.tcp) return { tcpSocket: { port: need(h.tcp.port, 'tcp') }, ...timing };
  if (h.exec) return { exec: { command: h.exec.command }, ...timing };
  throw new ApiError('Invalid', 'a health check needs http, tcp or exec', [
    { field: 'spec.healthCheck', message: 'empty' },
  ]);
}

/** requests = limits: what placement reserved is what the pod gets, and no more. */
function resourcesOf(spec: RunSpec): Record<string, Record<string, string>> | undefined {
  const r: Record<string, string> = {};
  if (spec.resources.cpu !== undefined && milliCpu(spec.resources.cpu) > 0) r.cpu = `${milliCpu(spec.resources.cpu)}m`;
  if (spec.resources.memory !== undefined && mebibytes(spec.resources.memory) > 0)
    r.memory = `${mebibytes(spec.resources.memory)}Mi`;
  if (spec.resources.gpu) r['nvidia.com/gpu'] = String(spec.resources.gpu);
  return Object.keys(r).length ? { requests: { ...r }, limits: { ...r } } : undefined;
}

/** Every object of one workload, in apply order (Namespace first). Throws ApiError Invalid for unusable specs. */
export function renderWorkload(spec: RunSpec, o: RenderOptions): KubeObject[] {
  const n = namesOf(spec.id, o.namespacePrefix);
  if (!spec.artifact.image)
    throw new ApiError('Invalid', 'the kubernetes runtime runs OCI images: artifact.image is required', [
      { field: 'spec.artifact.image', message: 'required for runtime kubernetes' },
    ]);
  if (spec.restartPolicy !== 'Always')
    throw new ApiError(
      'Invalid',
      `the kubernetes runtime runs Deployments: restartPolicy ${spec.restartPolicy} is not offered`,
      [{ field: 'spec.restartPolicy', message: 'only Always with runtime kubernetes' }],
    );
  const ports = containerPorts(spec);
  const selector = { [WORKLOAD_LABEL]: labelValue(n.workload), [TENANT_LABEL]: labelValue(n.tenant) };
  const labels = { [MANAGED_BY]: MANAGER, [DRIVER_LABEL]: o.driverId, ...selector, [UID_LABEL]: labelValue(spec.uid) };
  const annotations = { [ID_ANNOTATION]: spec.id, [GENERATION_ANNOTATION]: String(spec.generation) };
  const meta = { name: n.name, namespace: n.namespace, labels, annotations };
  const first = spec.ports[0]?.name;
  const probe = spec.healthCheck ? probeOf(spec.healthCheck, ports, first) : undefined;
  const env: Record<string, string> = { HOST: '0.0.0.0', WORKDIR: '/tmp' };
  if (first !== undefined) env.PORT = String(ports[first]);
  for (const [name, port] of Object.entries(ports)) env[envName(name)] = String(port);
  for (const e of spec.env) env[e.name] = e.value ?? '';
  const resources = resourcesOf(spec);
  const container: Record<string, unknown> = {
    name: 'main',
    image: spec.artifact.image,
    imagePullPolicy: 'IfNotPresent',
    ...(spec.artifact.command ? { command: [spec.artifact.command] } : {}),
    ...(spec.artifact.args ? { args: spec.artifact.args } : {}),
    envFrom: [{ configMapRef: { name: n.name } }],
    ...(spec.ports.length
      ? { ports: spec.ports.map((p) => ({ name: p.name, containerPort: ports[p.name], protocol: 'TCP' })) }
      : {}),
    ...(resources ? { resources } : {}),
    ...(probe ? { readinessProbe: probe, livenessProbe: probe } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  const podLabels = { [MANAGED_BY]: MANAGER, [DRIVER_LABEL]: o.driverId, ...selector };
  return [
    namespaceOf(n, o),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: env },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: podLabels, annotations },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
            containers: [container],
            volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    ...(spec.ports.length
      ? [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: meta,
            spec: {
              type: 'ClusterIP',
              selector,
              ports: spec.ports.map((p) => ({
                name: p.name,
                port: ports[p.name],
                targetPort: p.name,
                protocol: 'TCP',
              })),
            },
          },
        ]
      : []),
    networkPolicyOf(spec, n, meta, selector, ports, o),
  ];
}

/** The tenant's namespace: restricted pod security, labelled with the tenant. */
function namespaceOf(n: WorkloadNames, o: RenderOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: n.namespace,
      labels: {
        [MANAGED_BY]: MANAGER,
        [DRIVER_LABEL]: o.driverId,
        [TENANT_LABEL]: labelValue(n.tenant),
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  };
}

/**
 * Ingress only from the same tenant's pods and the gateway's namespaces, to declared ports; egress only to the same
 * tenant and to cluster DNS. Tenants never reach each other's pods.
 */
function networkPolicyOf(
  spec: RunSpec,
  n: WorkloadNames,
  meta: KubeObject['metadata'],
  selector: Record<string, string>,
  ports: Record<string, number>,
  o: RenderOptions,
): KubeObject {
  const sameTenant = { podSelector: {} };
  const gateway = { namespaceSelector: { matchLabels: { [o.gatewayLabel ?? 'continuum.eu/gateway']: 'true' } } };
  const ingressPorts = Object.values(ports).map((port) => ({ protocol: 'TCP', port }));
  const dns = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { ...meta, name: n.name },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: spec.ports.length ? [{ from: [sameTenant, gateway], ports: ingressPorts }] : [],
      egress: [{ to: [sameTenant] }, dns],
    },
  };
}
