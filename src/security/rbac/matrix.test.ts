// The generated RBAC matrix: every role × kind × action × own/other tenant against an independently written expectation table.
import { describe, expect, it } from 'vitest';
import { allKinds, kindByName } from '../../model/index.js';
import { ROLES, type Principal, type Role } from '../principal.js';
import { authorize, listScope } from './authorize.js';
import { POLICY, actionsOf, type Action, type Subresource, type Verb } from './policy.js';

/*
 * Expectations, written from the issue text and ICRA §6, not from POLICY. Each entry is
 * "own | other": own = tenant-a / site-a (the caller's), other = tenant-b / site-b. For
 * ClusterRoleBinding, own = a binding granting cloud-edge-admin, other = one granting admin;
 * Token fixtures are end-user tokens of the tenant. Shorthands: r = get list watch,
 * w = create update patch delete, s = get/status, S = update/status patch/status, l = get/logs,
 * d = get/data (Secret values), * = everything the kind serves, - = nothing. Single words are
 * literal actions. An entry without "|" means the same for own and other.
 */
const EXPECT: Record<Role, Record<string, string>> = {
  admin: {
    Namespace: '*', Provider: '*', Site: '*', UserArea: '*', Application: '*', Deployment: '*', Workload: '*', Lease: '*',
    Event: '*', Secret: '*', RoleBinding: '*', ClusterRoleBinding: '*', Token: '*',
  },
  'infrastructure-admin': {
    Namespace: '-', Provider: 'r w s S', Site: 'r w s S', UserArea: 'r s', Application: '-', Deployment: '-', Workload: 'r s',
    Lease: '-', Event: 'r', Secret: '-', RoleBinding: '-', ClusterRoleBinding: '-', Token: '-',
  },
  'cloud-edge-admin': {
    Namespace: 'r w s S', Provider: 'r s', Site: 'r s update patch', UserArea: 'r w s S', Application: 'r s', Deployment: 'r s',
    Workload: 'r s', Lease: 'r w', Event: 'r', Secret: 'r', RoleBinding: 'r w', ClusterRoleBinding: 'r w | r', Token: 'r w',
  },
  'use-case-admin': {
    Namespace: 'r | -', Provider: 'r', Site: 'r s', UserArea: 'r', Application: 'r w s | -', Deployment: 'r w s l | -',
    Workload: 'r s l | -', Lease: '-', Event: 'r | -', Secret: 'r w d | -', RoleBinding: 'r w | -', ClusterRoleBinding: '-',
    Token: 'r w | -',
  },
  'end-user': {
    Namespace: 'r | -', Provider: '-', Site: '-', UserArea: '-', Application: '-', Deployment: 'r s l | -', Workload: 'r s l | -',
    Lease: '-', Event: '-', Secret: '-', RoleBinding: '-', ClusterRoleBinding: '-', Token: '-',
  },
  auditor: {
    Namespace: 'r s', Provider: 'r s', Site: 'r s', UserArea: 'r s', Application: 'r s', Deployment: 'r s l', Workload: 'r s l',
    Lease: 'r s', Event: 'r s', Secret: 'r s', RoleBinding: 'r s', ClusterRoleBinding: 'r s', Token: 'r s',
  },
  agent: {
    Namespace: '-', Provider: '-', Site: 'r s S | -', UserArea: '-', Application: '-', Deployment: '-', Workload: 'r s S | -',
    Lease: '-', Event: '-', Secret: '-', RoleBinding: '-', ClusterRoleBinding: '-', Token: '-',
  },
};

const SHORT: Record<string, string[]> = {
  r: ['get', 'list', 'watch'], w: ['create', 'update', 'patch', 'delete'], s: ['get/status'],
  S: ['update/status', 'patch/status'], l: ['get/logs'], d: ['get/data'], '-': [],
};
function expand(kind: string, words: string): Set<string> {
  if (words.trim() === '*') return new Set(actionsOf(kind));
  return new Set(words.trim().split(/\s+/).flatMap((w) => SHORT[w] ?? [w]));
}
function expected(role: Role, kind: string, ctx: 'own' | 'other'): Set<string> {
  const entry = EXPECT[role][kind];
  const [own, other] = entry.includes('|') ? entry.split('|') : [entry, entry];
  return expand(kind, ctx === 'own' ? own : other);
}

const TENANT = { own: 'tenant-a', other: 'tenant-b' } as const;
const SITE = { own: 'site-a', other: 'site-b' } as const;

const principal = (role: Role): Principal =>
  role === 'agent'
    ? { subject: 'agent:site-a', kind: 'agent', grants: [{ role }], site: SITE.own }
    : { subject: `${role}-user`, kind: 'user', grants: [{ role, ...(role === 'use-case-admin' || role === 'end-user' ? { namespace: TENANT.own } : {}) }] };

function fixture(kind: string, ctx: 'own' | 'other'): { name: string; namespace?: string; object: unknown } {
  const tenant = TENANT[ctx];
  const site = SITE[ctx];
  const base = { apiVersion: 'continuum.eu/v1alpha1', kind };
  switch (kind) {
    case 'Namespace':
      return { name: tenant, object: { ...base, metadata: { name: tenant }, spec: {} } };
    case 'Site':
      return { name: site, object: { ...base, metadata: { name: site }, spec: {} } };
    case 'Token':
      return { name: `tok-${ctx}`, object: { ...base, metadata: { name: `tok-${ctx}` }, spec: { role: 'end-user', tenant } } };
    case 'ClusterRoleBinding':
      return { name: `crb-${ctx}`, object: { ...base, metadata: { name: `crb-${ctx}` }, spec: { role: ctx === 'own' ? 'cloud-edge-admin' : 'admin', subjects: [] } } };
  }
  if (!kindByName(kind)?.namespaced) return { name: 'x', object: { ...base, metadata: { name: 'x' }, spec: {} } };
  const spec = kind === 'Workload' ? { siteName: site } : kind === 'RoleBinding' ? { role: 'end-user', subjects: [] } : {};
  return { name: 'x', namespace: tenant, object: { ...base, metadata: { name: 'x', namespace: tenant }, spec } };
}

function actual(p: Principal, kind: string, action: Action, ctx: 'own' | 'other'): boolean {
  const [verb, subresource] = action.split('/') as [Verb, Subresource | undefined];
  const f = fixture(kind, ctx);
  const ns = f.namespace ? { namespace: f.namespace } : {};
  if ((verb === 'list' || verb === 'watch') && !subresource) {
    const scope = listScope(p, kind, verb, f.namespace);
    return scope.allowed && scope.visible(f.object);
  }
  const old = verb === 'update' || verb === 'patch' ? { oldObject: f.object } : {};
  return authorize(p, { verb, kind, ...ns, name: f.name, ...(subresource ? { subresource } : {}), object: f.object, ...old }).allowed;
}

describe('RBAC matrix', () => {
  it('has an expectation and a policy entry for every role × registered kind (and nothing stale)', () => {
    const kinds = allKinds().map((k) => k.kind).sort();
    for (const role of ROLES) {
      expect(Object.keys(EXPECT[role]).sort(), `EXPECT[${role}]`).toEqual(kinds);
      expect(Object.keys(POLICY[role]).sort(), `POLICY[${role}]`).toEqual(kinds);
    }
  });

  const rows: Array<[Role, string, Action, 'own' | 'other']> = [];
  for (const role of ROLES) for (const k of Object.keys(EXPECT.admin)) for (const a of actionsOf(k)) for (const c of ['own', 'other'] as const) rows.push([role, k, a, c]);

  it(`gives exactly the expected decision in all ${rows.length} cells (0 unexpected allows)`, () => {
    const unexpectedAllows: string[] = [];
    const unexpectedDenies: string[] = [];
    for (const [role, kind, action, ctx] of rows) {
      const want = expected(role, kind, ctx).has(action);
      const got = actual(principal(role), kind, action, ctx);
      if (got && !want) unexpectedAllows.push(`${role} ${action} ${kind} (${ctx})`);
      if (!got && want) unexpectedDenies.push(`${role} ${action} ${kind} (${ctx})`);
    }
    expect(unexpectedAllows).toEqual([]);
    expect(unexpectedDenies).toEqual([]);
  });

  it('never lets anyone but admin and the tenant use-case-admin read secret values', () => {
    for (const role of ROLES) for (const ctx of ['own', 'other'] as const) {
      const allowed = actual(principal(role), 'Secret', 'get/data', ctx);
      expect(allowed, `${role} ${ctx}`).toBe(role === 'admin' || (role === 'use-case-admin' && ctx === 'own'));
    }
  });

  it('serves no subresource a kind does not have, even to admin', () => {
    const admin = principal('admin');
    expect(authorize(admin, { verb: 'get', kind: 'Site', name: 'x', subresource: 'logs' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/does not serve/) });
    expect(authorize(admin, { verb: 'get', kind: 'Workload', namespace: 'a', name: 'x', subresource: 'data' }).allowed).toBe(false);
    expect(authorize(admin, { verb: 'get', kind: 'NoSuchKind', name: 'x' })).toMatchObject({ allowed: false, reason: 'unknown kind NoSuchKind' });
  });
});
