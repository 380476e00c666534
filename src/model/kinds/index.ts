// Registers the built-in kinds and re-exports their schemas and types.
import type { Resource } from '../meta.js';
import { registerKind } from '../registry.js';
import { ApplicationSpec, ApplicationStatus } from './application.js';
import { DeploymentSpec, DeploymentStatus } from './deployment.js';
import { EventSpec, EventStatus } from './event.js';
import { LeaseSpec, LeaseStatus } from './lease.js';
import { NamespaceSpec, NamespaceStatus } from './namespace.js';
import { ControllerRevisionSpec, ControllerRevisionStatus } from './revision.js';
import { ProviderSpec, ProviderStatus } from './provider.js';
import { ApprovedArtifactSpec, RuntimePolicySpec, RuntimePolicyStatus } from './runtime-policy.js';
import { SiteSpec, SiteStatus } from './site.js';
import { UserAreaSpec, UserAreaStatus } from './userarea.js';
import { WorkloadSpec, WorkloadStatus } from './workload.js';

export * from './common.js';
export * from './application.js';
export * from './requirements-check.js';
export * from './deployment.js';
export * from './event.js';
export * from './lease.js';
export * from './namespace.js';
export * from './provider.js';
export * from './revision.js';
export * from './runtime-policy.js';
export * from './site.js';
export * from './userarea.js';
export * from './workload.js';

const age = { name: 'AGE', path: 'metadata.creationTimestamp' };

export const NamespaceKind = registerKind({
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns', 'tenant', 'tenants'],
  namespaced: false,
  spec: NamespaceSpec,
  status: NamespaceStatus,
  specOptional: true,
  columns: [{ name: 'NAME', path: 'metadata.name' }, { name: 'STATUS', path: 'status.phase' }, age],
  selectableFields: ['status.phase'],
  description: 'A tenant; namespaced objects live in exactly one.',
});

export const ProviderKind = registerKind({
  kind: 'Provider',
  plural: 'providers',
  singular: 'provider',
  shortNames: ['prov'],
  namespaced: false,
  spec: ProviderSpec,
  status: ProviderStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'LEGAL NAME', path: 'spec.legalName' },
    { name: 'HQ', path: 'spec.headquarters.country' },
    { name: 'CERTIFICATIONS', path: 'spec.certifications', wide: true },
    age,
  ],
  selectableFields: ['spec.headquarters.country'],
  description: 'An organisation operating sites.',
});

export const SiteKind = registerKind({
  kind: 'Site',
  plural: 'sites',
  singular: 'site',
  shortNames: ['st'],
  namespaced: false,
  spec: SiteSpec,
  status: SiteStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'PROVIDER', path: 'spec.provider' },
    { name: 'CATEGORY', path: 'spec.category' },
    { name: 'COUNTRY', path: 'spec.location.country' },
    { name: 'CITY', path: 'spec.location.city' },
    { name: 'READY', path: 'status.conditions[Ready].status' },
    { name: 'CPU', path: 'spec.capacity.cpu', wide: true },
    { name: 'MEMORY', path: 'spec.capacity.memory', wide: true },
    { name: 'GPU', path: 'spec.capacity.gpu', wide: true },
    { name: 'WORKLOADS', path: 'status.workloads', wide: true },
    age,
  ],
  selectableFields: ['spec.provider', 'spec.category', 'spec.location.country'],
  description: 'A place with compute run by one provider.',
});

export const UserAreaKind = registerKind({
  kind: 'UserArea',
  plural: 'userareas',
  singular: 'userarea',
  shortNames: ['area', 'areas', 'ua'],
  namespaced: false,
  spec: UserAreaSpec,
  status: UserAreaStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'COUNTRY', path: 'spec.location.country' },
    { name: 'CITY', path: 'spec.location.city' },
    { name: 'LAT', path: 'spec.location.latitude', wide: true },
    { name: 'LON', path: 'spec.location.longitude', wide: true },
  ],
  selectableFields: ['spec.location.country'],
  description: 'A place where users are; latency requirements refer to it.',
});

export const ApplicationKind = registerKind({
  kind: 'Application',
  plural: 'applications',
  singular: 'application',
  shortNames: ['app', 'apps'],
  namespaced: true,
  spec: ApplicationSpec,
  status: ApplicationStatus,
  columns: [{ name: 'NAME', path: 'metadata.name' }, { name: 'COMPONENTS', path: 'spec.components[*].name' }, age],
  selectableFields: [],
  description: 'A catalog entry: components, connections and requirements.',
});

export const DeploymentKind = registerKind({
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy', 'dep'],
  namespaced: true,
  spec: DeploymentSpec,
  status: DeploymentStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'APPLICATION', path: 'spec.application' },
    { name: 'PHASE', path: 'status.phase' },
    { name: 'SITES', path: 'status.placement.assignments[*].site', wide: true },
    { name: 'ENDPOINT', path: 'status.endpoints[0].url' },
    age,
  ],
  selectableFields: ['spec.application', 'status.phase'],
  description: 'A running instance of an Application.',
});

export const WorkloadKind = registerKind({
  kind: 'Workload',
  plural: 'workloads',
  singular: 'workload',
  shortNames: ['wl'],
  namespaced: true,
  spec: WorkloadSpec,
  status: WorkloadStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'COMPONENT', path: 'spec.component' },
    { name: 'SITE', path: 'spec.siteName' },
    { name: 'PHASE', path: 'status.phase' },
    { name: 'RESTARTS', path: 'status.restarts' },
    { name: 'AREA', path: 'spec.area', wide: true },
    { name: 'URL', path: 'status.url', wide: true },
    { name: 'PID', path: 'status.pid', wide: true },
    age,
  ],
  selectableFields: ['spec.siteName', 'spec.deployment', 'spec.component', 'status.phase'],
  description: 'One replica of one component bound to one site.',
});

export const LeaseKind = registerKind({
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  shortNames: [],
  namespaced: false,
  spec: LeaseSpec,
  status: LeaseStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'HOLDER', path: 'spec.holderIdentity' },
    { name: 'RENEWED', path: 'spec.renewTime' },
  ],
  selectableFields: [],
  description: 'A time-bounded claim, used for leader election.',
});

export const EventKind = registerKind({
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  spec: EventSpec,
  status: EventStatus,
  columns: [
    { name: 'LAST SEEN', path: 'spec.lastTimestamp' },
    { name: 'TYPE', path: 'spec.type' },
    { name: 'REASON', path: 'spec.reason' },
    { name: 'OBJECT', path: 'spec.involvedObject.name' },
    { name: 'MESSAGE', path: 'spec.message' },
  ],
  selectableFields: ['spec.involvedObject.name', 'spec.involvedObject.kind', 'spec.involvedObject.uid', 'spec.reason'],
  description: 'Something that happened to an object.',
});

export const ControllerRevisionKind = registerKind({
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  shortNames: ['revision', 'revisions', 'rev'],
  namespaced: true,
  spec: ControllerRevisionSpec,
  status: ControllerRevisionStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'DEPLOYMENT', path: 'spec.deployment' },
    { name: 'REVISION', path: 'spec.revision' },
    { name: 'CHANGE-CAUSE', path: 'spec.changeCause', wide: true },
    age,
  ],
  selectableFields: ['spec.deployment', 'spec.application'],
  description: 'A snapshot of the Application spec a Deployment rolled out (rollout history and undo).',
});

export const RuntimePolicyKind = registerKind({
  kind: 'RuntimePolicy',
  plural: 'runtimepolicies',
  singular: 'runtimepolicy',
  shortNames: ['rp'],
  namespaced: true,
  spec: RuntimePolicySpec,
  status: RuntimePolicyStatus,
  columns: [{ name: 'NAME', path: 'metadata.name' }, { name: 'RUNTIMES', path: 'spec.runtimes' }, age],
  selectableFields: [],
  description: "A cloud-edge admin's permission for a namespace to run artifacts of its own choosing on runtimes.",
});

export const ApprovedArtifactKind = registerKind({
  kind: 'ApprovedArtifact',
  plural: 'approvedartifacts',
  singular: 'approvedartifact',
  shortNames: ['aa'],
  namespaced: false,
  spec: ApprovedArtifactSpec,
  status: RuntimePolicyStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'COMMAND', path: 'spec.command' },
    { name: 'IMAGE', path: 'spec.image' },
    { name: 'SHA256', path: 'spec.sha256', wide: true },
    age,
  ],
  selectableFields: [],
  description: 'An artifact (program pinned by sha256, or image by digest) every namespace may run.',
});

/** Typed objects of the built-in kinds (what the store, the client and informers return for each kind). */
export type Namespace = Resource<NamespaceSpec, NamespaceStatus>;
export type Provider = Resource<ProviderSpec, ProviderStatus>;
export type Site = Resource<SiteSpec, SiteStatus>;
export type UserArea = Resource<UserAreaSpec, UserAreaStatus>;
export type Application = Resource<ApplicationSpec, ApplicationStatus>;
export type Deployment = Resource<DeploymentSpec, DeploymentStatus>;
export type Workload = Resource<WorkloadSpec, WorkloadStatus>;
export type Lease = Resource<LeaseSpec, LeaseStatus>;
export type Event = Resource<EventSpec, EventStatus>;
export type ControllerRevision = Resource<ControllerRevisionSpec, ControllerRevisionStatus>;
export * from './apiquota.js';
export type RuntimePolicy = Resource<RuntimePolicySpec, RuntimePolicyStatus>;
export type ApprovedArtifact = Resource<ApprovedArtifactSpec, RuntimePolicyStatus>;
