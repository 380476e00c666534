// Which grants of a principal count, and who may hand out which grant (no privilege escalation).
import { isTenantRole, type Grant, type Principal, type Role } from '../principal.js';
import { DELEGATION, NON_RESOURCE_POLICY, POLICY, type Scope } from './policy.js';

/**
 * The grants the policy evaluates. Invariants enforced here, whatever the token or bindings say:
 * an agent principal holds only the agent role and only with a site; nobody else holds the agent
 * role; cluster roles bound to a namespace are ignored (they would otherwise leak cluster powers).
 */
export function effectiveGrants(p: Principal): Grant[] {
  if (p.kind === 'agent') return p.site ? p.grants.filter((g) => g.role === 'agent' && g.namespace === undefined) : [];
  return p.grants.filter((g) => g.role !== 'agent' && (g.namespace === undefined || isTenantRole(g.role)));
}

/** Does a rule held through `held` include everything a rule `want` of `grant` includes? */
function scopeCovers(held: Grant, heldScope: Scope, grant: Grant, want: Scope): boolean {
  if (heldScope === 'cluster') return true;
  if (heldScope === 'tenant')
    return held.namespace === undefined || (want === 'tenant' && grant.namespace === held.namespace);
  // A delegable rule only reaches what its holder may grant, which is a superset of the grantee's.
  if (heldScope === 'delegable') return want === 'delegable';
  return false;
}

/** True when every permission `grant` would give is already held by `p` at least as widely. */
export function coversGrant(p: Principal, grant: Grant): boolean {
  if (grant.namespace !== undefined && !isTenantRole(grant.role)) return false;
  const held = effectiveGrants(p);
  for (const [kind, rules] of Object.entries(POLICY[grant.role])) {
    for (const [action, want] of Object.entries(rules) as Array<[keyof typeof rules, Scope]>) {
      const ok = held.some((h) => {
        const s = POLICY[h.role][kind]?.[action];
        return s !== undefined && scopeCovers(h, s, grant, want);
      });
      if (!ok) return false;
    }
  }
  const nonResource = new Set(held.flatMap((h) => NON_RESOURCE_POLICY[h.role]));
  return NON_RESOURCE_POLICY[grant.role].every((perm) => nonResource.has(perm));
}

/**
 * May `p` hand `grant` to someone (issue a token, write a binding)? Yes when `p` already holds
 * everything the grant gives, or when a cluster-wide role of `p` lists it in DELEGATION (tenant
 * onboarding by the cloud-edge admin, agent onboarding by the infrastructure admin).
 */
export function canGrant(p: Principal, grant: Grant): boolean {
  if (p.kind === 'agent') return false;
  for (const h of effectiveGrants(p)) {
    const d = DELEGATION[h.role];
    if (h.namespace === undefined && d?.roles.includes(grant.role) && d.namespaced === (grant.namespace !== undefined))
      return true;
  }
  return coversGrant(p, grant);
}

/** The grant an object of a granting kind hands out, or undefined when the object is malformed. */
export function grantOf(kind: string, obj: unknown, namespace?: string): Grant | undefined {
  const o = obj as { metadata?: { namespace?: string }; spec?: { role?: Role; tenant?: string } } | undefined;
  const role = o?.spec?.role;
  if (!role || !POLICY[role]) return undefined;
  if (kind === 'RoleBinding') {
    const ns = o.metadata?.namespace ?? namespace;
    return ns ? { role, namespace: ns } : undefined;
  }
  if (kind === 'ClusterRoleBinding') return { role };
  if (kind === 'Token') return { role, ...(o.spec?.tenant ? { namespace: o.spec.tenant } : {}) };
  return undefined;
}
