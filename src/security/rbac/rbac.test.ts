// Tests for list narrowing, agent confinement, grant hygiene, delegation (no escalation) and role bindings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Grant, type Principal, type Role } from '../principal.js';
import {
  authorize,
  authorizeNonResource,
  canReadSecretValues,
  listScope,
  visibleNamespaces,
  type RequestAttributes,
} from './authorize.js';
import { BindingIndex } from './bindings.js';
import { canGrant } from './grants.js';
import { ACTIONS, actionsOf, NON_RESOURCE_PERMISSIONS, type Subresource, type Verb } from './policy.js';

const user = (...grants: Grant[]): Principal => ({ subject: 'u', kind: 'user', grants });
const agent = (site?: string, grants: Grant[] = [{ role: 'agent' }]): Principal => ({
  subject: `agent:${site}`,
  kind: 'agent',
  grants,
  ...(site ? { site } : {}),
});
const wl = (namespace: string, siteName: string) => ({
  kind: 'Workload',
  metadata: { name: `w-${namespace}-${siteName}`, namespace },
  spec: { siteName },
});
const dep = (namespace: string) => ({ kind: 'Deployment', metadata: { name: 'd', namespace }, spec: {} });

describe('list and watch narrowing', () => {
  const uca = user({ role: 'use-case-admin', namespace: 'a' }, { role: 'end-user', namespace: 'c' });

  it('narrows an all-namespace list to the tenants the caller belongs to', () => {
    const s = listScope(uca, 'Deployment', 'list');
    expect(s).toMatchObject({ allowed: true, namespaces: ['a', 'c'] });
    expect([dep('a'), dep('b'), dep('c')].filter(s.visible).map((d) => d.metadata.namespace)).toEqual(['a', 'c']);
    expect(visibleNamespaces(uca, 'Deployment', 'watch')).toEqual(['a', 'c']);
    expect(authorize(uca, { verb: 'list', kind: 'Deployment' })).toMatchObject({ allowed: true, narrowed: true });
  });

  it('denies listing inside another tenant and returns nothing visible', () => {
    const s = listScope(uca, 'Deployment', 'list', 'b');
    expect(s.allowed).toBe(false);
    expect(s.visible(dep('b'))).toBe(false);
    expect(listScope(uca, 'Deployment', 'list', 'a').visible(dep('b'))).toBe(false);
  });

  it('uses no namespace narrowing for cluster-wide readers', () => {
    const s = listScope(user({ role: 'auditor' }), 'Deployment', 'list');
    expect(s.allowed).toBe(true);
    expect(s.namespaces).toBeUndefined();
    expect(visibleNamespaces(user({ role: 'end-user', namespace: 'a' }), 'Lease')).toEqual([]);
  });

  it('lets tenant members see only their own Namespace object', () => {
    const s = listScope(uca, 'Namespace', 'list');
    const names = ['a', 'b', 'c'].filter((n) => s.visible({ metadata: { name: n } }));
    expect(names).toEqual(['a', 'c']);
  });
});

describe('agents', () => {
  const a = agent('site-a');

  it('see every tenant’s workloads on their site and nothing else', () => {
    const s = listScope(a, 'Workload', 'watch');
    const all = [wl('t1', 'site-a'), wl('t2', 'site-a'), wl('t1', 'site-b')];
    expect(all.filter(s.visible).map((w) => w.metadata.name)).toEqual(['w-t1-site-a', 'w-t2-site-a']);
    expect(listScope(a, 'Site', 'list').visible({ metadata: { name: 'site-b' } })).toBe(false);
  });

  it('write only status of own workloads and own site', () => {
    const cases: Array<[RequestAttributes, boolean]> = [
      [{ verb: 'update', kind: 'Workload', namespace: 't2', subresource: 'status', object: wl('t2', 'site-a') }, true],
      [{ verb: 'patch', kind: 'Workload', namespace: 't2', subresource: 'status', object: wl('t2', 'site-b') }, false],
      [{ verb: 'update', kind: 'Workload', namespace: 't2', object: wl('t2', 'site-a') }, false],
      [{ verb: 'delete', kind: 'Workload', namespace: 't2', object: wl('t2', 'site-a') }, false],
      [{ verb: 'create', kind: 'Workload', namespace: 't2', object: wl('t2', 'site-a') }, false],
      [{ verb: 'get', kind: 'Workload', namespace: 't2', subresource: 'logs', object: wl('t2', 'site-a') }, false],
      [{ verb: 'update', kind: 'Site', name: 'site-a', subresource: 'status' }, true],
      [{ verb: 'update', kind: 'Site', name: 'site-b', subresource: 'status' }, false],
      [{ verb: 'update', kind: 'Site', name: 'site-a' }, false],
      [{ verb: 'create', kind: 'Event', namespace: 't1' }, false],
      [{ verb: 'get', kind: 'Secret', namespace: 't1', name: 's', subresource: 'data' }, false],
      [{ verb: 'list', kind: 'Deployment' }, false],
    ];
    for (const [attrs, want] of cases) expect(authorize(a, attrs).allowed, JSON.stringify(attrs)).toBe(want);
  });

  it("renew only their own site's liveness Lease (not another site's, not the leader lease)", () => {
    const lease = (name: string) => ({ kind: 'Lease', metadata: { name }, spec: {} });
    const cases: Array<[RequestAttributes, boolean]> = [
      [{ verb: 'get', kind: 'Lease', name: 'site-site-a' }, true],
      [{ verb: 'create', kind: 'Lease', object: lease('site-site-a') }, true],
      [{ verb: 'update', kind: 'Lease', name: 'site-site-a', object: lease('site-site-a') }, true],
      [{ verb: 'update', kind: 'Lease', name: 'site-site-b', object: lease('site-site-b') }, false],
      [{ verb: 'create', kind: 'Lease', object: lease('site-site-b') }, false],
      [{ verb: 'update', kind: 'Lease', name: 'continuum-controllers', object: lease('continuum-controllers') }, false],
      [{ verb: 'delete', kind: 'Lease', name: 'site-site-a' }, false],
      [{ verb: 'list', kind: 'Lease' }, false],
    ];
    for (const [attrs, want] of cases) expect(authorize(a, attrs).allowed, JSON.stringify(attrs)).toBe(want);
  });

  it('asks for the object when a workload decision depends on its site', () => {
    expect(authorize(a, { verb: 'get', kind: 'Workload', namespace: 't1', name: 'w' })).toMatchObject({
      allowed: false,
      needsObject: true,
    });
  });

  it('ignore any extra grants, and have no rights without a site', () => {
    expect(
      authorize(agent('site-a', [{ role: 'agent' }, { role: 'admin' }]), { verb: 'list', kind: 'Secret' }).allowed,
    ).toBe(false);
    expect(authorize(agent(undefined), { verb: 'get', kind: 'Site', name: 'site-a' }).allowed).toBe(false);
    expect(authorizeNonResource(a, 'whoami').allowed).toBe(true);
    expect(authorizeNonResource(a, 'openapi:read').allowed).toBe(false);
  });

  it('is not available to users: the agent role on a user grants nothing', () => {
    expect(
      authorize({ ...user({ role: 'agent' }), site: 'site-a' }, { verb: 'get', kind: 'Site', name: 'site-a' }).allowed,
    ).toBe(false);
  });
});

describe('grant hygiene', () => {
  it('ignores cluster roles bound to a namespace', () => {
    const p = user({ role: 'cloud-edge-admin', namespace: 'a' }, { role: 'admin', namespace: 'a' });
    for (const verb of ['get', 'list', 'create'] as const)
      expect(authorize(p, { verb, kind: 'Deployment', namespace: 'a', name: 'x' }).allowed).toBe(false);
  });

  it('rejects an object whose namespace differs from the request namespace', () => {
    const p = user({ role: 'use-case-admin', namespace: 'a' });
    expect(authorize(p, { verb: 'create', kind: 'Deployment', namespace: 'a', object: dep('b') })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/differs/),
    });
  });

  it('is monotone: adding grants never removes a permission', () => {
    const role = fc.constantFrom<Role>(...ROLES);
    const grant = fc
      .record({ role, namespace: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }) })
      .map((g) => (g.namespace ? g : { role: g.role }) as Grant);
    const kind = fc.constantFrom(
      'Deployment',
      'Workload',
      'Secret',
      'Namespace',
      'Site',
      'Token',
      'RoleBinding',
      'ClusterRoleBinding',
    );
    const ns = fc.constantFrom('a', 'b');
    const objRole = fc.constantFrom<Role>(...ROLES);
    fc.assert(
      fc.property(
        fc.array(grant, { maxLength: 3 }),
        fc.array(grant, { maxLength: 2 }),
        kind,
        fc.constantFrom(...ACTIONS),
        ns,
        objRole,
        (g1, g2, k, action, n, r) => {
          if (!actionsOf(k).includes(action)) return;
          const [verb, subresource] = action.split('/') as [Verb, Subresource | undefined];
          const object = { metadata: { name: n, namespace: n }, spec: { role: r, tenant: n, siteName: 'site-a' } };
          const attrs: RequestAttributes = {
            verb,
            kind: k,
            namespace: n,
            name: n,
            object,
            oldObject: object,
            ...(subresource ? { subresource } : {}),
          };
          if (authorize(user(...g1), attrs).allowed) expect(authorize(user(...g1, ...g2), attrs).allowed).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});

describe('delegation (no privilege escalation)', () => {
  const cases: Array<[string, Principal, Grant, boolean]> = [
    [
      'tenant admin → end-user in own tenant',
      user({ role: 'use-case-admin', namespace: 'a' }),
      { role: 'end-user', namespace: 'a' },
      true,
    ],
    [
      'tenant admin → tenant admin in own tenant',
      user({ role: 'use-case-admin', namespace: 'a' }),
      { role: 'use-case-admin', namespace: 'a' },
      true,
    ],
    [
      'tenant admin → end-user elsewhere',
      user({ role: 'use-case-admin', namespace: 'a' }),
      { role: 'end-user', namespace: 'b' },
      false,
    ],
    [
      'tenant admin → tenant admin everywhere',
      user({ role: 'use-case-admin', namespace: 'a' }),
      { role: 'use-case-admin' },
      false,
    ],
    ['tenant admin → auditor', user({ role: 'use-case-admin', namespace: 'a' }), { role: 'auditor' }, false],
    [
      'end-user → use-case-admin',
      user({ role: 'end-user', namespace: 'a' }),
      { role: 'use-case-admin', namespace: 'a' },
      false,
    ],
    [
      'cloud-edge admin → tenant admin (onboarding)',
      user({ role: 'cloud-edge-admin' }),
      { role: 'use-case-admin', namespace: 'x' },
      true,
    ],
    [
      'cloud-edge admin → tenant admin everywhere',
      user({ role: 'cloud-edge-admin' }),
      { role: 'use-case-admin' },
      false,
    ],
    ['cloud-edge admin → itself', user({ role: 'cloud-edge-admin' }), { role: 'cloud-edge-admin' }, true],
    ['cloud-edge admin → auditor', user({ role: 'cloud-edge-admin' }), { role: 'auditor' }, false],
    ['cloud-edge admin → admin', user({ role: 'cloud-edge-admin' }), { role: 'admin' }, false],
    ['cloud-edge admin → agent', user({ role: 'cloud-edge-admin' }), { role: 'agent' }, false],
    ['infrastructure admin → agent', user({ role: 'infrastructure-admin' }), { role: 'agent' }, true],
    [
      'infrastructure admin → end-user',
      user({ role: 'infrastructure-admin' }),
      { role: 'end-user', namespace: 'a' },
      false,
    ],
    ['auditor → auditor', user({ role: 'auditor' }), { role: 'auditor' }, true],
    ['admin → agent', user({ role: 'admin' }), { role: 'agent' }, true],
    ['admin → admin', user({ role: 'admin' }), { role: 'admin' }, true],
    ['nobody → cluster role in a namespace', user({ role: 'admin' }), { role: 'auditor', namespace: 'a' }, false],
    ['agent → anything', agent('site-a'), { role: 'agent' }, false],
  ];
  it.each(cases)('%s', (_n, p, g, want) => expect(canGrant(p, g)).toBe(want));

  const bootstrap = { kind: 'Token', metadata: { name: 't' }, spec: { role: 'agent', site: 'site-a' } };
  it('lets the infrastructure admin issue agent bootstrap tokens and nobody below', () => {
    expect(
      authorize(user({ role: 'infrastructure-admin' }), { verb: 'create', kind: 'Token', object: bootstrap }).allowed,
    ).toBe(true);
    expect(
      authorize(user({ role: 'cloud-edge-admin' }), { verb: 'create', kind: 'Token', object: bootstrap }).allowed,
    ).toBe(false);
    expect(
      authorize(user({ role: 'use-case-admin', namespace: 'a' }), { verb: 'create', kind: 'Token', object: bootstrap })
        .allowed,
    ).toBe(false);
  });

  it('checks both the old and the new object on update of a binding', () => {
    const crb = (role: string) => ({
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      spec: { role, subjects: [] },
    });
    const cea = user({ role: 'cloud-edge-admin' });
    expect(
      authorize(cea, {
        verb: 'update',
        kind: 'ClusterRoleBinding',
        name: 'b',
        object: crb('cloud-edge-admin'),
        oldObject: crb('cloud-edge-admin'),
      }).allowed,
    ).toBe(true);
    expect(
      authorize(cea, {
        verb: 'update',
        kind: 'ClusterRoleBinding',
        name: 'b',
        object: crb('cloud-edge-admin'),
        oldObject: crb('admin'),
      }).allowed,
    ).toBe(false);
    expect(
      authorize(cea, {
        verb: 'update',
        kind: 'ClusterRoleBinding',
        name: 'b',
        object: crb('admin'),
        oldObject: crb('cloud-edge-admin'),
      }).allowed,
    ).toBe(false);
    expect(
      authorize(cea, { verb: 'update', kind: 'ClusterRoleBinding', name: 'b', object: crb('cloud-edge-admin') }),
    ).toMatchObject({ allowed: false, needsObject: true });
    expect(authorize(cea, { verb: 'create', kind: 'ClusterRoleBinding', name: 'b' })).toMatchObject({
      allowed: false,
      needsObject: true,
    });
  });
});

describe('secret values and non-resource permissions', () => {
  it.each<[string, Principal, string, boolean]>([
    ['admin', user({ role: 'admin' }), 'b', true],
    ['tenant admin, own', user({ role: 'use-case-admin', namespace: 'a' }), 'a', true],
    ['tenant admin, other', user({ role: 'use-case-admin', namespace: 'a' }), 'b', false],
    ['auditor', user({ role: 'auditor' }), 'a', false],
    ['cloud-edge admin', user({ role: 'cloud-edge-admin' }), 'a', false],
  ])('secret values: %s', (_n, p, ns, want) => expect(canReadSecretValues(p, ns)).toBe(want));

  it('gives audit:read to auditor and admin only', () => {
    const holders = ROLES.filter(
      (r) => authorizeNonResource(r === 'agent' ? agent('s') : user({ role: r }), 'audit:read').allowed,
    );
    expect(holders.sort()).toEqual(['admin', 'auditor']);
    expect(NON_RESOURCE_PERMISSIONS.every((perm) => authorizeNonResource(user({ role: 'admin' }), perm).allowed)).toBe(
      true,
    );
  });
});

describe('BindingIndex', () => {
  const idx = new BindingIndex();
  idx.replaceAll([
    {
      kind: 'RoleBinding',
      metadata: { name: 'devs', namespace: 'a' },
      spec: { role: 'use-case-admin', subjects: [{ kind: 'Group', name: 'dev' }] },
    },
    {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'audit' },
      spec: { role: 'auditor', subjects: [{ kind: 'User', name: 'corp:carol' }] },
    },
  ]);

  it('adds grants from matching user and group subjects', () => {
    const p = idx.expand({ subject: 'corp:carol', kind: 'user', grants: [], groups: ['dev'] });
    expect(p.grants).toEqual([{ role: 'use-case-admin', namespace: 'a' }, { role: 'auditor' }]);
    expect(authorize(p, { verb: 'create', kind: 'Application', namespace: 'a', name: 'x' }).allowed).toBe(true);
  });

  it('deduplicates, never expands agents, and forgets removed bindings', () => {
    expect(idx.expand({ subject: 'corp:carol', kind: 'user', grants: [{ role: 'auditor' }] }).grants).toEqual([
      { role: 'auditor' },
    ]);
    const ag: Principal = {
      subject: 'corp:carol',
      kind: 'agent',
      grants: [{ role: 'agent' }],
      site: 's',
      groups: ['dev'],
    };
    expect(idx.expand(ag)).toBe(ag);
    idx.remove('ClusterRoleBinding', undefined, 'audit');
    expect(idx.grantsFor('corp:carol')).toEqual([]);
  });
});
