// The RBAC policy as data: for every role, every kind and action, the scope in which it is allowed.
import type { Role } from '../principal.js';

export const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
export type Verb = (typeof VERBS)[number];
export const SUBRESOURCES = ['status', 'logs', 'data'] as const;
export type Subresource = (typeof SUBRESOURCES)[number];

/** A verb on the object itself, or on one of its subresources ("update/status", "get/logs"). */
export type Action = Verb | 'get/status' | 'update/status' | 'patch/status' | 'get/logs' | 'get/data';
export const ACTIONS: readonly Action[] = [
  ...VERBS,
  'get/status',
  'update/status',
  'patch/status',
  'get/logs',
  'get/data',
];
export const WRITE_VERBS: readonly Verb[] = ['create', 'update', 'patch', 'delete'];

/**
 * Where a rule applies, relative to the grant that carries it:
 * - `cluster`: every object of the kind.
 * - `tenant`: objects of the grant's namespace (namespaced kinds), the Namespace object of that
 *   name, or Token records with that tenant; a grant without namespace means every tenant.
 * - `site`: the agent's own Site, Workloads whose spec.siteName is that site, and the site's Lease (`site-NAME`).
 * - `delegable`: Token records the caller could have issued itself (see delegation.ts).
 */
export type Scope = 'cluster' | 'tenant' | 'site' | 'delegable';
export type KindRules = Partial<Record<Action, Scope>>;

/** Which actions a kind serves at all: status everywhere, logs for Workload/Deployment, values of Secrets. */
export function actionsOf(kind: string): Action[] {
  return ACTIONS.filter((a) => {
    if (a === 'get/logs') return kind === 'Workload' || kind === 'Deployment';
    if (a === 'get/data') return kind === 'Secret';
    return true;
  });
}

const R = ['get', 'list', 'watch'] as const;
const W = ['create', 'update', 'patch', 'delete'] as const;
const SR = ['get/status'] as const;
const SW = ['update/status', 'patch/status'] as const;
const LOGS = ['get/logs'] as const;
const DATA = ['get/data'] as const;

/** Rules granting each listed action in one scope. */
function on(scope: Scope, ...groups: ReadonlyArray<readonly Action[]>): KindRules {
  const out: KindRules = {};
  for (const g of groups) for (const a of g) out[a] = scope;
  return out;
}
const NONE: KindRules = {};
const FULL = on('cluster', R, W, SR, SW);

/**
 * The policy. Every role must name every registered kind (an empty entry is an explicit "nothing");
 * rbac.test.ts fails when a kind is registered without an entry, and the authorizer denies it.
 * Writes to RoleBinding, ClusterRoleBinding and Token are additionally limited to grants the
 * caller may hand out (delegation.ts), whatever this table says.
 */
export const POLICY: Record<Role, Record<string, KindRules>> = {
  admin: {
    Namespace: FULL,
    Provider: FULL,
    Site: FULL,
    UserArea: FULL,
    Application: FULL,
    Deployment: on('cluster', R, W, SR, SW, LOGS),
    Workload: on('cluster', R, W, SR, SW, LOGS),
    Lease: FULL,
    Event: FULL,
    ControllerRevision: FULL,
    Secret: on('cluster', R, W, SR, SW, DATA),
    RoleBinding: FULL,
    ClusterRoleBinding: FULL,
    Token: FULL,
    ApiQuota: FULL,
    RuntimePolicy: FULL,
    ApprovedArtifact: FULL,
    PriceList: FULL,
    ComputeQuota: FULL,
    Federation: FULL,
    FederationOperation: FULL,
    SLO: FULL,
    AlertRule: FULL,
    Ticket: FULL,
  },
  // Providers' sites, hosts and agents. One control plane per provider, so "cluster" = own estate.
  'infrastructure-admin': {
    Namespace: NONE,
    Provider: on('cluster', R, W, SR, SW),
    Site: on('cluster', R, W, SR, SW),
    UserArea: on('cluster', R, SR),
    Application: NONE,
    Deployment: NONE,
    Workload: on('cluster', R, SR),
    Lease: NONE,
    Event: on('cluster', R),
    ControllerRevision: NONE,
    Secret: NONE,
    RoleBinding: NONE,
    ClusterRoleBinding: NONE,
    Token: on('delegable', R, W),
    ApiQuota: NONE,
    RuntimePolicy: NONE,
    ApprovedArtifact: on('cluster', R),
    PriceList: on('cluster', R, SR),
    ComputeQuota: NONE,
    Federation: on('cluster', R, SR),
    FederationOperation: NONE,
    SLO: NONE,
    AlertRule: NONE,
    Ticket: NONE,
  },
  // Control plane, runtimes, price lists (Site pricing), tenants; oversight of tenant objects without secret values or logs.
  'cloud-edge-admin': {
    Namespace: on('cluster', R, W, SR, SW),
    Provider: on('cluster', R, SR),
    Site: on('cluster', R, SR, ['update', 'patch']),
    UserArea: on('cluster', R, W, SR, SW),
    Application: on('cluster', R, SR),
    Deployment: on('cluster', R, SR),
    Workload: on('cluster', R, SR),
    Lease: on('cluster', R, W),
    Event: on('cluster', R),
    ControllerRevision: on('cluster', R),
    Secret: on('cluster', R),
    RoleBinding: on('cluster', R, W),
    ClusterRoleBinding: on('cluster', R, W),
    Token: on('delegable', R, W),
    ApiQuota: on('cluster', R, W, SR),
    RuntimePolicy: on('cluster', R, W, SR, SW),
    ApprovedArtifact: on('cluster', R, W, SR, SW),
    PriceList: on('cluster', R, W, SR, SW),
    ComputeQuota: on('cluster', R, W, SR, SW),
    Federation: FULL,
    FederationOperation: on('cluster', R, SR),
    SLO: on('cluster', R, SR),
    AlertRule: on('cluster', R, SR),
    Ticket: on('cluster', R, SR),
  },
  // Applications and deployments in the own tenant; reads the site catalogue.
  'use-case-admin': {
    Namespace: on('tenant', R),
    Provider: on('cluster', R),
    Site: on('cluster', R, SR),
    UserArea: on('cluster', R),
    Application: on('tenant', R, W, SR),
    Deployment: on('tenant', R, W, SR, LOGS),
    Workload: on('tenant', R, SR, LOGS),
    Lease: NONE,
    Event: on('tenant', R),
    ControllerRevision: on('tenant', R),
    Secret: on('tenant', R, W, DATA),
    RoleBinding: on('tenant', R, W),
    ClusterRoleBinding: NONE,
    Token: on('delegable', R, W),
    ApiQuota: on('tenant', R, SR),
    RuntimePolicy: on('tenant', R),
    ApprovedArtifact: on('cluster', R),
    PriceList: on('cluster', R),
    ComputeQuota: on('tenant', R, SR),
    Federation: NONE,
    FederationOperation: NONE,
    SLO: on('tenant', R, W, SR),
    AlertRule: on('tenant', R, W, SR),
    Ticket: on('tenant', R, SR),
  },
  // Reads the own tenant's deployments, their workloads (endpoints) and logs.
  'end-user': {
    Namespace: on('tenant', R),
    Provider: NONE,
    Site: NONE,
    UserArea: NONE,
    Application: NONE,
    Deployment: on('tenant', R, SR, LOGS),
    Workload: on('tenant', R, SR, LOGS),
    Lease: NONE,
    Event: NONE,
    ControllerRevision: NONE,
    Secret: NONE,
    RoleBinding: NONE,
    ClusterRoleBinding: NONE,
    Token: NONE,
    ApiQuota: on('tenant', R, SR),
    RuntimePolicy: NONE,
    ApprovedArtifact: NONE,
    PriceList: NONE,
    ComputeQuota: on('tenant', R, SR),
    Federation: NONE,
    FederationOperation: NONE,
    SLO: on('tenant', R, SR),
    AlertRule: on('tenant', R, SR),
    Ticket: on('tenant', R, SR),
  },
  // Read-only everything, never secret values.
  auditor: {
    Namespace: on('cluster', R, SR),
    Provider: on('cluster', R, SR),
    Site: on('cluster', R, SR),
    UserArea: on('cluster', R, SR),
    Application: on('cluster', R, SR),
    Deployment: on('cluster', R, SR, LOGS),
    Workload: on('cluster', R, SR, LOGS),
    Lease: on('cluster', R, SR),
    Event: on('cluster', R, SR),
    ControllerRevision: on('cluster', R, SR),
    Secret: on('cluster', R, SR),
    RoleBinding: on('cluster', R, SR),
    ClusterRoleBinding: on('cluster', R, SR),
    Token: on('cluster', R, SR),
    ApiQuota: on('cluster', R, SR),
    RuntimePolicy: on('cluster', R, SR),
    ApprovedArtifact: on('cluster', R, SR),
    PriceList: on('cluster', R, SR),
    ComputeQuota: on('cluster', R, SR),
    Federation: on('cluster', R, SR),
    FederationOperation: on('cluster', R, SR),
    SLO: on('cluster', R, SR),
    AlertRule: on('cluster', R, SR),
    Ticket: on('cluster', R, SR),
  },
  // Own site's workloads (read, write status), own site (read, write status) and own site's liveness Lease.
  agent: {
    Namespace: NONE,
    Provider: NONE,
    Site: on('site', R, SR, SW),
    UserArea: NONE,
    Application: NONE,
    Deployment: NONE,
    Workload: on('site', R, SR, SW),
    Lease: on('site', ['get', 'create', 'update'], SR),
    Event: NONE,
    ControllerRevision: NONE,
    Secret: NONE,
    RoleBinding: NONE,
    ClusterRoleBinding: NONE,
    Token: NONE,
    ApiQuota: NONE,
    RuntimePolicy: NONE,
    ApprovedArtifact: NONE,
    PriceList: NONE,
    ComputeQuota: NONE,
    Federation: NONE,
    FederationOperation: NONE,
    SLO: NONE,
    AlertRule: NONE,
    Ticket: NONE,
  },
};

/** Permissions on things that are not objects (routes outside the KRM API). */
export const NON_RESOURCE_PERMISSIONS = [
  'audit:read',
  'metrics:read',
  'openapi:read',
  'discovery:read',
  'whoami',
  /** SubjectAccessReview: ask what another subject may do. */
  'accessreview:others',
] as const;
export type NonResourcePermission = (typeof NON_RESOURCE_PERMISSIONS)[number];

const HUMAN = ['openapi:read', 'discovery:read', 'whoami'] as const;
export const NON_RESOURCE_POLICY: Record<Role, readonly NonResourcePermission[]> = {
  admin: NON_RESOURCE_PERMISSIONS,
  'infrastructure-admin': [...HUMAN, 'metrics:read'],
  'cloud-edge-admin': [...HUMAN, 'metrics:read'],
  'use-case-admin': HUMAN,
  'end-user': HUMAN,
  auditor: [...HUMAN, 'metrics:read', 'audit:read', 'accessreview:others'],
  agent: ['whoami'],
};

/**
 * Grants a role may hand out beyond those it fully covers (delegation.ts): the cloud-edge admin
 * onboards tenants (tenant roles, always inside one namespace) and the infrastructure admin
 * onboards agents (bootstrap tokens). Both hold these cluster-wide only.
 */
export const DELEGATION: Partial<Record<Role, { roles: Role[]; namespaced: boolean }>> = {
  'cloud-edge-admin': { roles: ['use-case-admin', 'end-user'], namespaced: true },
  'infrastructure-admin': { roles: ['agent'], namespaced: false },
};
