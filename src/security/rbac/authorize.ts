// The authorizer: decides one request against the policy table, and narrows list/watch to what a caller may see.
import { kindByName, siteOfLease } from '../../model/index.js';
import { GRANTING_KINDS } from '../kinds.js';
import type { Grant, Principal } from '../principal.js';
import { canGrant, effectiveGrants, grantOf } from './grants.js';
import {
  NON_RESOURCE_POLICY,
  POLICY,
  WRITE_VERBS,
  actionsOf,
  type Action,
  type NonResourcePermission,
  type Scope,
  type Subresource,
  type Verb,
} from './policy.js';

/** What is being done. Pass `object` whenever you have it (the body on create, the stored object otherwise). */
export interface RequestAttributes {
  verb: Verb;
  kind: string;
  /** Namespace from the URL; absent for cluster-scoped kinds and for all-namespace list/watch. */
  namespace?: string;
  name?: string;
  subresource?: Subresource;
  object?: unknown;
  /** On update/patch of RoleBinding, ClusterRoleBinding or Token: the stored object before the change. */
  oldObject?: unknown;
}

export interface Decision {
  allowed: boolean;
  reason: string;
  /** list/watch allowed but only part of the objects are visible: filter with listScope(). */
  narrowed?: boolean;
  /** The rule depends on the object (e.g. a Workload's site): load it and ask again with `object`. */
  needsObject?: boolean;
}

interface Meta {
  metadata?: { name?: string; namespace?: string };
  spec?: { siteName?: string; tenant?: string };
}

const deny = (reason: string, extra: Partial<Decision> = {}): Decision => ({ allowed: false, reason, ...extra });

/** The tenant an object belongs to, if its kind has one. */
function tenantOf(attrs: RequestAttributes): string | undefined {
  const o = attrs.object as Meta | undefined;
  if (attrs.kind === 'Namespace') return attrs.name ?? o?.metadata?.name;
  if (attrs.kind === 'Token') return o?.spec?.tenant;
  return kindByName(attrs.kind)?.namespaced ? (attrs.namespace ?? o?.metadata?.namespace) : undefined;
}

/** The site an object is bound to (agents' scope). */
function siteOf(attrs: RequestAttributes): string | undefined {
  const o = attrs.object as Meta | undefined;
  if (attrs.kind === 'Site') return attrs.name ?? o?.metadata?.name;
  if (attrs.kind === 'Workload') return o?.spec?.siteName;
  if (attrs.kind === 'Lease') {
    const name = attrs.name ?? o?.metadata?.name;
    return name === undefined ? undefined : (siteOfLease(name) ?? '');
  }
  return undefined;
}

type Match = 'yes' | 'no' | 'narrowed' | 'needsObject';

function matchScope(p: Principal, g: Grant, scope: Scope, attrs: RequestAttributes): Match {
  const collection = attrs.verb === 'list' || attrs.verb === 'watch';
  const unknown: Match = collection && attrs.object === undefined ? 'narrowed' : 'needsObject';
  switch (scope) {
    case 'cluster':
      return 'yes';
    case 'tenant': {
      if (g.namespace === undefined) return 'yes';
      const isTenanted =
        attrs.kind === 'Namespace' || attrs.kind === 'Token' || kindByName(attrs.kind)?.namespaced === true;
      if (!isTenanted) return 'no';
      const t = tenantOf(attrs);
      if (t === undefined) return attrs.kind === 'Token' || collection ? unknown : 'no';
      return t === g.namespace ? 'yes' : 'no';
    }
    case 'site': {
      if (!p.site) return 'no';
      const s = siteOf(attrs);
      if (s === undefined) return attrs.kind === 'Workload' || collection ? unknown : 'no';
      return s === p.site ? 'yes' : 'no';
    }
    case 'delegable': {
      if (attrs.object === undefined) return unknown;
      const grant = grantOf(attrs.kind, attrs.object, attrs.namespace);
      return grant && canGrant(p, grant) ? 'yes' : 'no';
    }
  }
}

/** Checks the extra rule for kinds that hand out permissions: every write must stay within what the caller may grant. */
function checkDelegation(p: Principal, attrs: RequestAttributes): Decision | undefined {
  if (
    !(GRANTING_KINDS as readonly string[]).includes(attrs.kind) ||
    attrs.subresource ||
    !WRITE_VERBS.includes(attrs.verb)
  )
    return undefined;
  for (const [label, obj] of [
    ['object', attrs.object],
    ['previous object', attrs.oldObject],
  ] as const) {
    if (obj === undefined) {
      if (label === 'object')
        return deny(`${attrs.verb} ${attrs.kind} needs the object to check what it grants`, { needsObject: true });
      if (attrs.verb === 'update' || attrs.verb === 'patch')
        return deny(`${attrs.verb} ${attrs.kind} needs the stored object too`, { needsObject: true });
      continue;
    }
    const grant = grantOf(attrs.kind, obj, attrs.namespace);
    if (!grant) return deny(`${attrs.kind} ${label} names no valid role`);
    if (!canGrant(p, grant))
      return deny(`may not grant ${grant.role}${grant.namespace ? ` in ${grant.namespace}` : ' cluster-wide'}`);
  }
  return undefined;
}

/**
 * Decides one request. Default deny: unknown kinds, kinds missing from a role's table, actions a
 * kind does not serve. Allowed when any effective grant has a rule for the action whose scope
 * matches; for list/watch without a concrete object a tenant- or site-scoped match yields
 * `{allowed: true, narrowed: true}` and the caller must filter with listScope().
 */
export function authorize(p: Principal, attrs: RequestAttributes): Decision {
  const action = (attrs.subresource ? `${attrs.verb}/${attrs.subresource}` : attrs.verb) as Action;
  const def = kindByName(attrs.kind);
  if (!def) return deny(`unknown kind ${attrs.kind}`);
  if (!actionsOf(attrs.kind).includes(action)) return deny(`${attrs.kind} does not serve ${action}`);
  const objNs = (attrs.object as Meta | undefined)?.metadata?.namespace;
  if (def.namespaced && attrs.namespace !== undefined && objNs !== undefined && objNs !== attrs.namespace) {
    return deny(`object namespace ${objNs} differs from request namespace ${attrs.namespace}`);
  }
  const grants = effectiveGrants(p);
  if (grants.length === 0) return deny(`${p.subject} holds no usable role`);
  let best: Match = 'no';
  let via = '';
  for (const g of grants) {
    const scope = POLICY[g.role][attrs.kind]?.[action];
    if (!scope) continue;
    const m = matchScope(p, g, scope, attrs);
    if (m === 'yes') {
      best = 'yes';
      via = `${g.role}${g.namespace ? `@${g.namespace}` : ''} (${scope})`;
      break;
    }
    if (m === 'narrowed' || (m === 'needsObject' && best === 'no')) {
      best = m;
      via = `${g.role}${g.namespace ? `@${g.namespace}` : ''} (${scope})`;
    }
  }
  const what = `${action} ${attrs.kind}${attrs.namespace ? ` in ${attrs.namespace}` : ''}${attrs.name ? ` ${attrs.name}` : ''}`;
  if (best === 'no') return deny(`no role of ${p.subject} allows ${what}`);
  if (best === 'needsObject')
    return deny(`${what} depends on the object; load it and authorize again`, { needsObject: true });
  const delegation = checkDelegation(p, attrs);
  if (delegation) return delegation;
  return best === 'narrowed'
    ? { allowed: true, narrowed: true, reason: `${what} allowed by ${via}, narrowed to visible objects` }
    : { allowed: true, reason: `${what} allowed by ${via}` };
}

/** Checks a permission outside the object API (e.g. `audit:read` for `audit export`). */
export function authorizeNonResource(p: Principal, permission: NonResourcePermission): Decision {
  const g = effectiveGrants(p).find((x) => NON_RESOURCE_POLICY[x.role].includes(permission));
  return g
    ? { allowed: true, reason: `${permission} allowed by ${g.role}` }
    : deny(`no role of ${p.subject} allows ${permission}`);
}

export interface ListScope {
  allowed: boolean;
  reason: string;
  /** Namespaces to query; undefined means all (then `visible` does the narrowing). */
  namespaces?: string[];
  /** The authoritative per-object check; apply it to every listed object and every watch event. */
  visible: (obj: unknown) => boolean;
}

/**
 * How to serve list/watch of `kind` (optionally inside `namespace`): whether it is allowed at all,
 * which namespaces to query, and the per-object filter. Invariant: `visible(o)` is exactly
 * authorize(p, {verb, kind, object: o}).allowed for a concrete object.
 */
export function listScope(p: Principal, kind: string, verb: 'list' | 'watch', namespace?: string): ListScope {
  const d = authorize(p, { verb, kind, ...(namespace ? { namespace } : {}) });
  const visible = (obj: unknown): boolean => {
    const o = obj as Meta;
    const ns = o?.metadata?.namespace;
    if (namespace !== undefined && ns !== namespace) return false;
    return authorize(p, {
      verb,
      kind,
      ...(ns ? { namespace: ns } : {}),
      ...(o?.metadata?.name ? { name: o.metadata.name } : {}),
      object: obj,
    }).allowed;
  };
  if (!d.allowed) return { allowed: false, reason: d.reason, visible: () => false };
  if (namespace !== undefined || !kindByName(kind)?.namespaced || !d.narrowed) {
    return {
      allowed: true,
      reason: d.reason,
      ...(namespace !== undefined ? { namespaces: [namespace] } : {}),
      visible,
    };
  }
  const namespaces = new Set<string>();
  for (const g of effectiveGrants(p)) {
    const scope = POLICY[g.role][kind]?.[verb];
    if (!scope) continue;
    if (scope !== 'tenant' || g.namespace === undefined) return { allowed: true, reason: d.reason, visible };
    namespaces.add(g.namespace);
  }
  return { allowed: true, reason: d.reason, namespaces: [...namespaces].sort(), visible };
}

/** Namespaces whose objects of `kind` the caller may list/watch; undefined = all (or filtered per object). */
export function visibleNamespaces(p: Principal, kind: string, verb: 'list' | 'watch' = 'list'): string[] | undefined {
  const s = listScope(p, kind, verb);
  return s.allowed ? s.namespaces : [];
}

/** Whether the caller may see the values of Secrets in `namespace`; otherwise serve redactSecret(obj). */
export function canReadSecretValues(p: Principal, namespace: string): boolean {
  return authorize(p, { verb: 'get', kind: 'Secret', namespace, subresource: 'data' }).allowed;
}
