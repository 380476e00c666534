// The generated RBAC matrix: every role × kind × action × own/other tenant against an independently written expectation table.
import { describe, expect, it } from 'vitest';
import { allKinds } from '../../model/index.js';
// Federation kinds are registered by their layer; every control plane loads it.
import '../../federation/guest/kinds.js';
import { ROLES, type Principal, type Role } from '../principal.js';
import { authorize, listScope } from './authorize.js';
import { EXPECT, expected, fixture, principal } from './testing/expectations.js';
import { POLICY, actionsOf, type Action, type Subresource, type Verb } from './policy.js';

function actual(p: Principal, kind: string, action: Action, ctx: 'own' | 'other'): boolean {
  const [verb, subresource] = action.split('/') as [Verb, Subresource | undefined];
  const f = fixture(kind, ctx);
  const ns = f.namespace ? { namespace: f.namespace } : {};
  if ((verb === 'list' || verb === 'watch') && !subresource) {
    const scope = listScope(p, kind, verb, f.namespace);
    return scope.allowed && scope.visible(f.object);
  }
  const old = verb === 'update' || verb === 'patch' ? { oldObject: f.object } : {};
  return authorize(p, {
    verb,
    kind,
    ...ns,
    name: f.name,
    ...(subresource ? { subresource } : {}),
    object: f.object,
    ...old,
  }).allowed;
}

describe('RBAC matrix', () => {
  it('has an expectation and a policy entry for every role × registered kind (and nothing stale)', () => {
    const kinds = allKinds()
      .map((k) => k.kind)
      .sort();
    for (const role of ROLES) {
      expect(Object.keys(EXPECT[role]).sort(), `EXPECT[${role}]`).toEqual(kinds);
      expect(Object.keys(POLICY[role]).sort(), `POLICY[${role}]`).toEqual(kinds);
    }
  });

  const rows: Array<[Role, string, Action, 'own' | 'other']> = [];
  for (const role of ROLES)
    for (const k of Object.keys(EXPECT.admin))
      for (const a of actionsOf(k)) for (const c of ['own', 'other'] as const) rows.push([role, k, a, c]);

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
    for (const role of ROLES)
      for (const ctx of ['own', 'other'] as const) {
        const allowed = actual(principal(role), 'Secret', 'get/data', ctx);
        expect(allowed, `${role} ${ctx}`).toBe(role === 'admin' || (role === 'use-case-admin' && ctx === 'own'));
      }
  });

  it('serves no subresource a kind does not have, even to admin', () => {
    const admin = principal('admin');
    expect(authorize(admin, { verb: 'get', kind: 'Site', name: 'x', subresource: 'logs' })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/does not serve/),
    });
    expect(
      authorize(admin, { verb: 'get', kind: 'Workload', namespace: 'a', name: 'x', subresource: 'data' }).allowed,
    ).toBe(false);
    expect(authorize(admin, { verb: 'get', kind: 'NoSuchKind', name: 'x' })).toMatchObject({
      allowed: false,
      reason: 'unknown kind NoSuchKind',
    });
  });
});
