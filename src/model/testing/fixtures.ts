// Valid sample objects of the core kinds for tests of every layer, and a way to make one look stored.
import { API_VERSION } from '../registry.js';
import type { Resource, ResourceInput } from '../meta.js';
import type {
  ApplicationSpec,
  Component,
  DeploymentSpec,
  ProviderSpec,
  SiteSpec,
  SiteStatus,
  UserAreaSpec,
  WorkloadSpec,
  WorkloadStatus,
} from '../kinds/index.js';

type Labels = Record<string, string>;

const meta = (name: string, namespace?: string, labels?: Labels): ResourceInput['metadata'] => ({
  name,
  ...(namespace ? { namespace } : {}),
  ...(labels ? { labels } : {}),
});

export function namespace(name: string, labels?: Labels): ResourceInput {
  return { apiVersion: API_VERSION, kind: 'Namespace', metadata: meta(name, undefined, labels) };
}

export function provider(name: string, spec: Partial<ProviderSpec> = {}): ResourceInput<ProviderSpec> {
  return {
    apiVersion: API_VERSION,
    kind: 'Provider',
    metadata: meta(name),
    spec: { legalName: name.toUpperCase(), headquarters: { country: 'ES' }, ...spec },
  };
}

export function userArea(name: string, spec: Partial<UserAreaSpec> = {}): ResourceInput<UserAreaSpec> {
  return {
    apiVersion: API_VERSION,
    kind: 'UserArea',
    metadata: meta(name),
    spec: { location: { country: 'ES', city: 'Madrid', latitude: 40.4168, longitude: -3.7038 }, ...spec },
  };
}

/** A metro-edge site in Madrid of provider `acme`; `spec` replaces whole fields, `status` is set as given. */
export function site(
  name: string,
  extra: {
    labels?: Labels;
    country?: string;
    provider?: string;
    spec?: Partial<SiteSpec>;
    status?: SiteStatus;
  } = {},
): ResourceInput<SiteSpec, SiteStatus> {
  return {
    apiVersion: API_VERSION,
    kind: 'Site',
    metadata: meta(name, undefined, extra.labels),
    spec: {
      provider: extra.provider ?? 'acme',
      category: 'metro-edge',
      location: { country: extra.country ?? 'ES', city: 'Madrid', latitude: 40.4168, longitude: -3.7038 },
      capacity: { cpu: 64, memory: '256Gi' },
      ...extra.spec,
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

/** A component that runs `node <name>.mjs`. */
export function component(name: string, extra: Partial<Component> = {}): Component {
  return { name, artifact: { command: 'node', args: [`${name}.mjs`] }, ...extra };
}

export function application(
  namespace: string,
  name: string,
  spec: Partial<ApplicationSpec> = {},
): ResourceInput<ApplicationSpec> {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: meta(name, namespace),
    spec: { components: [component('web')], ...spec },
  };
}

/** A Deployment of the Application of the same name (unless `spec.application` says otherwise). */
export function deployment(
  namespace: string,
  name: string,
  spec: Partial<DeploymentSpec> = {},
): ResourceInput<DeploymentSpec> {
  return {
    apiVersion: API_VERSION,
    kind: 'Deployment',
    metadata: meta(name, namespace),
    spec: { application: name, ...spec },
  };
}

/** A Workload of component `web` running `node server.mjs`; `spec` replaces whole fields. */
export function workload(
  namespace: string,
  name: string,
  extra: { labels?: Labels; siteName?: string; spec?: Partial<WorkloadSpec>; status?: WorkloadStatus } = {},
): ResourceInput<WorkloadSpec, WorkloadStatus> {
  return {
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: meta(name, namespace, extra.labels),
    spec: {
      component: 'web',
      artifact: { command: 'node', args: ['server.mjs'] },
      ...(extra.siteName ? { siteName: extra.siteName } : {}),
      ...extra.spec,
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

/** `obj` with the metadata a store sets (uid, resourceVersion, generation, creationTimestamp); `metadata` overrides. */
export function stored<S, T>(
  obj: ResourceInput<S, T>,
  metadata: Partial<Resource<S, T>['metadata']> = {},
): Resource<S, T> {
  return {
    ...obj,
    spec: obj.spec as S,
    metadata: {
      uid: `uid-${obj.metadata.name}`,
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...obj.metadata,
      ...metadata,
    },
  };
}
