// The RBAC expectation table, written from the issue text and ICRA §6 independently of POLICY; shared by the library and HTTP matrix tests.
import { kindByName } from '../../../model/index.js';
// The management kinds (PriceList, ComputeQuota) register when their module loads.
import '../../../management/index.js';
import type { Principal, Role } from '../../principal.js';
import { actionsOf } from '../policy.js';

/*
 * Expectations, written from the issue text and ICRA §6, not from POLICY. Each entry is
 * "own | other": own = tenant-a / site-a (the caller's), other = tenant-b / site-b. For
 * ClusterRoleBinding, own = a binding granting cloud-edge-admin, other = one granting admin;
 * Token fixtures are end-user tokens of the tenant. Shorthands: r = get list watch,
 * w = create update patch delete, s = get/status, S = update/status patch/status, l = get/logs,
 * d = get/data (Secret values), * = everything the kind serves, - = nothing. Single words are
 * literal actions. An entry without "|" means the same for own and other.
 */
export const EXPECT: Record<Role, Record<string, string>> = {
  admin: {
    Namespace: '*',
    Provider: '*',
    Site: '*',
    UserArea: '*',
    Application: '*',
    Deployment: '*',
    Workload: '*',
    Lease: '*',
    Event: '*',
    ControllerRevision: '*',
    Secret: '*',
    RoleBinding: '*',
    ClusterRoleBinding: '*',
    Token: '*',
    ApiQuota: '*',
    RuntimePolicy: '*',
    ApprovedArtifact: '*',
    PriceList: '*',
    ComputeQuota: '*',
    Federation: '*',
    FederationOperation: '*',
    SLO: '*',
    AlertRule: '*',
    Ticket: '*',
  },
  'infrastructure-admin': {
    Namespace: '-',
    Provider: 'r w s S',
    Site: 'r w s S',
    UserArea: 'r s',
    Application: '-',
    Deployment: '-',
    Workload: 'r s',
    Lease: '-',
    Event: 'r',
    ControllerRevision: '-',
    Secret: '-',
    RoleBinding: '-',
    ClusterRoleBinding: '-',
    Token: '-',
    ApiQuota: '-',
    RuntimePolicy: '-',
    ApprovedArtifact: 'r',
    PriceList: 'r s',
    ComputeQuota: '-',
    Federation: 'r s',
    FederationOperation: '-',
    SLO: '-',
    AlertRule: '-',
    Ticket: '-',
  },
  'cloud-edge-admin': {
    Namespace: 'r w s S',
    Provider: 'r s',
    Site: 'r s update patch',
    UserArea: 'r w s S',
    Application: 'r s',
    Deployment: 'r s',
    Workload: 'r s',
    Lease: 'r w',
    Event: 'r',
    ControllerRevision: 'r',
    Secret: 'r',
    RoleBinding: 'r w',
    ClusterRoleBinding: 'r w | r',
    Token: 'r w',
    ApiQuota: 'r w s',
    RuntimePolicy: 'r w s S',
    ApprovedArtifact: 'r w s S',
    PriceList: 'r w s S',
    ComputeQuota: 'r w s S',
    Federation: '*',
    FederationOperation: 'r s',
    SLO: 'r s',
    AlertRule: 'r s',
    Ticket: 'r s',
  },
  'use-case-admin': {
    Namespace: 'r | -',
    Provider: 'r',
    Site: 'r s',
    UserArea: 'r',
    Application: 'r w s | -',
    Deployment: 'r w s l | -',
    Workload: 'r s l | -',
    Lease: '-',
    Event: 'r | -',
    ControllerRevision: 'r | -',
    Secret: 'r w d | -',
    RoleBinding: 'r w | -',
    ClusterRoleBinding: '-',
    Token: 'r w | -',
    ApiQuota: 'r s | -',
    RuntimePolicy: 'r | -',
    ApprovedArtifact: 'r',
    PriceList: 'r',
    ComputeQuota: 'r s | -',
    Federation: '-',
    FederationOperation: '-',
    SLO: 'r w s | -',
    AlertRule: 'r w s | -',
    Ticket: 'r s | -',
  },
  'end-user': {
    Namespace: 'r | -',
    Provider: '-',
    Site: '-',
    UserArea: '-',
    Application: '-',
    Deployment: 'r s l | -',
    Workload: 'r s l | -',
    Lease: '-',
    Event: '-',
    ControllerRevision: '-',
    Secret: '-',
    RoleBinding: '-',
    ClusterRoleBinding: '-',
    Token: '-',
    ApiQuota: 'r s | -',
    RuntimePolicy: '-',
    ApprovedArtifact: '-',
    PriceList: '-',
    ComputeQuota: 'r s | -',
    Federation: '-',
    FederationOperation: '-',
    SLO: 'r s | -',
    AlertRule: 'r s | -',
    Ticket: 'r s | -',
  },
  auditor: {
    Namespace: 'r s',
    Provider: 'r s',
    Site: 'r s',
    UserArea: 'r s',
    Application: 'r s',
    Deployment: 'r s l',
    Workload: 'r s l',
    Lease: 'r s',
    Event: 'r s',
    ControllerRevision: 'r s',
    Secret: 'r s',
    RoleBinding: 'r s',
    ClusterRoleBinding: 'r s',
    Token: 'r s',
    ApiQuota: 'r s',
    RuntimePolicy: 'r s',
    ApprovedArtifact: 'r s',
    PriceList: 'r s',
    ComputeQuota: 'r s',
    Federation: 'r s',
    FederationOperation: 'r s',
    SLO: 'r s',
    AlertRule: 'r s',
    Ticket: 'r s',
  },
  agent: {
    Namespace: '-',
    Provider: '-',
    Site: 'r s S | -',
    UserArea: '-',
    Application: '-',
    Deployment: '-',
    Workload: 'r s S | -',
    Lease: '-',
    Event: '-',
    ControllerRevision: '-',
    Secret: '-',
    RoleBinding: '-',
    ClusterRoleBinding: '-',
    Token: '-',
    ApiQuota: '-',
    RuntimePolicy: '-',
    ApprovedArtifact: '-',
    PriceList: '-',
    ComputeQuota: '-',
    Federation: '-',
    FederationOperation: '-',
    SLO: '-',
    AlertRule: '-',
    Ticket: '-',
  },
};

export const SHORT: Record<string, string[]> = {
  r: ['get', 'list', 'watch'],
  w: ['create', 'update', 'patch', 'delete'],
  s: ['get/status'],
  S: ['update/status', 'patch/status'],
  l: ['get/logs'],
  d: ['get/data'],
  '-': [],
};
export function expand(kind: string, words: string): Set<string> {
  if (words.trim() === '*') return new Set(actionsOf(kind));
  return new Set(
    words
      .trim()
      .split(/\s+/)
      .flatMap((w) => SHORT[w] ?? [w]),
  );
}
export function expected(role: Role, kind: string, ctx: 'own' | 'other'): Set<string> {
  const entry = EXPECT[role][kind];
  const [own, other] = entry.includes('|') ? entry.split('|') : [entry, entry];
  return expand(kind, ctx === 'own' ? own : other);
}

export const TENANT = { own: 'tenant-a', other: 'tenant-b' } as const;
export const SITE = { own: 'site-a', other: 'site-b' } as const;

export const principal = (role: Role): Principal =>
  role === 'agent'
    ? { subject: 'agent:site-a', kind: 'agent', grants: [{ role }], site: SITE.own }
    : {
        subject: `${role}-user`,
        kind: 'user',
        grants: [{ role, ...(role === 'use-case-admin' || role === 'end-user' ? { namespace: TENANT.own } : {}) }],
      };

export function fixture(kind: string, ctx: 'own' | 'other'): { name: string; namespace?: string; object: unknown } {
  const tenant = TENANT[ctx];
  const site = SITE[ctx];
  const base = { apiVersion: 'continuum.eu/v1alpha1', kind };
  switch (kind) {
    case 'Namespace':
      return { name: tenant, object: { ...base, metadata: { name: tenant }, spec: {} } };
    case 'Site':
      return { name: site, object: { ...base, metadata: { name: site }, spec: {} } };
    case 'Token':
      return {
        name: `tok-${ctx}`,
        object: { ...base, metadata: { name: `tok-${ctx}` }, spec: { role: 'end-user', tenant } },
      };
    case 'ClusterRoleBinding':
      return {
        name: `crb-${ctx}`,
        object: {
          ...base,
          metadata: { name: `crb-${ctx}` },
          spec: { role: ctx === 'own' ? 'cloud-edge-admin' : 'admin', subjects: [] },
        },
      };
  }
  if (!kindByName(kind)?.namespaced) return { name: 'x', object: { ...base, metadata: { name: 'x' }, spec: {} } };
  const spec =
    kind === 'Workload' ? { siteName: site } : kind === 'RoleBinding' ? { role: 'end-user', subjects: [] } : {};
  return { name: 'x', namespace: tenant, object: { ...base, metadata: { name: 'x', namespace: tenant }, spec } };
}
