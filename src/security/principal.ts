// Who is calling: the authenticated identity and the role grants the RBAC policy evaluates.

/** ICRA §6 roles plus the bootstrap superuser (`admin`) and site agents (`agent`). */
export const ROLES = [
  'admin',
  'infrastructure-admin',
  'cloud-edge-admin',
  'use-case-admin',
  'end-user',
  'auditor',
  'agent',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles that make sense inside one tenant. Only these may carry a namespace in a grant; a grant
 * without a namespace means "in every tenant".
 */
export const TENANT_ROLES = ['use-case-admin', 'end-user'] as const satisfies readonly Role[];
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Roles a ClusterRoleBinding may grant (agents get their grant only from a site-bound credential). */
export const BINDABLE_CLUSTER_ROLES = ROLES.filter((r) => r !== 'agent');

export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);
export const isTenantRole = (r: Role): r is TenantRole => (TENANT_ROLES as readonly string[]).includes(r);

/** One role, either cluster-wide (no namespace) or inside one tenant (tenant roles only). */
export interface Grant {
  role: Role;
  namespace?: string;
}

export type PrincipalKind = 'user' | 'agent' | 'service';

/**
 * An authenticated caller. Invariants: `kind === 'agent'` iff the only grant is `{role: 'agent'}`
 * and `site` is set; grants of non-tenant roles never carry a namespace (the policy ignores such
 * grants if they do).
 */
export interface Principal {
  /** Stable identity: built-in token subject, or "<issuer name>:<sub>" for OIDC users. */
  subject: string;
  kind: PrincipalKind;
  grants: Grant[];
  /** The site an agent credential is bound to. */
  site?: string;
  /** jti of the built-in token or OIDC token used; the rate-limit and audit key. */
  tokenId?: string;
  groups?: string[];
  /** Who vouched for this identity: the built-in issuer or an OIDC issuer URL. */
  issuer?: string;
}

/** Key for per-subject rate limiting: issuer + subject (every token of one identity shares the bucket). */
export function rateLimitKey(p: Principal): string {
  return `sub:${p.issuer ?? ''}|${p.subject}`;
}

/** A compact, secret-free description of a principal for audit records and logs. */
export function describePrincipal(p: Principal): {
  subject: string;
  kind: PrincipalKind;
  roles: string[];
  tokenId?: string;
  site?: string;
} {
  return {
    subject: p.subject,
    kind: p.kind,
    roles: p.grants.map((g) => (g.namespace ? `${g.role}@${g.namespace}` : g.role)),
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
    ...(p.site ? { site: p.site } : {}),
  };
}
