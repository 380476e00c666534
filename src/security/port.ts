// The security port the HTTP layer calls (implemented by ContinuumSecurity): who is calling, may they do this, and what gets audited.
import type { KindDef } from '../model/index.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** The caller, as established by authentication. */
export interface Caller {
  subject: string;
  kind: 'user' | 'agent' | 'service' | 'anonymous';
  /** Opaque to the HTTP layer; the security implementation keeps its principal here. */
  principal?: unknown;
  /** Site an agent credential is bound to. */
  site?: string;
  tokenId?: string;
  /** Namespaces the caller holds a tenant grant in (charged for its watches and connections: ApiQuota). */
  tenants?: readonly string[];
}

export interface ResourceAttributes {
  verb: Verb;
  kind: KindDef;
  namespace?: string;
  name?: string;
  /** `data` = the values of a Secret (used by routes that hand out resolved secret values). */
  subresource?: 'status' | 'logs' | 'data';
  /** The object concerned, when known (for object-level rules such as an agent's own site). */
  object?: Record<string, any>;
  /**
   * On update, patch and apply: the stored object the change starts from, while `object` is the
   * result to be written. Implementations must check both (e.g. a binding may neither grant nor
   * have granted more than the caller may hand out).
   */
  oldObject?: Record<string, any>;
}

/** What list/watch may return to this caller: every namespace, some, or only objects passing a predicate. */
export interface Visibility {
  namespaces: 'all' | string[];
  /** Extra per-object check (e.g. an agent sees only its site's workloads). */
  filter?: (obj: Record<string, any>) => boolean;
  /** Field selector that must be added to the query (e.g. spec.siteName=<site>). */
  requiredFieldSelector?: string;
}

export interface AuditEntry {
  /** The server's id of the request. */
  requestId: string;
  /** The id the client sent (X-Request-Id), kept beside ours, never instead of it. */
  clientRequestId?: string;
  subject: string;
  verb: string;
  resource?: { kind: string; namespace?: string; name?: string; subresource?: string };
  outcome: 'allowed' | 'denied' | 'error' | 'unauthenticated';
  status: number;
  /** The error code of a failed request (TokenExpired, Forbidden, TooManyRequests ...). */
  code?: string;
  reason?: string;
  path?: string;
  /** Client address of the request. */
  ip?: string;
  /** For a summary record: how many refusals it stands for. */
  count?: number;
}

export interface Security {
  /** Establishes the caller from request headers; throws ApiError 401 codes. */
  authenticate(headers: Record<string, string | string[] | undefined>): Promise<Caller>;
  /** Throws ApiError('Forbidden') when the caller may not act. */
  authorize(caller: Caller, attrs: ResourceAttributes): Promise<void>;
  /** Throws ApiError('Forbidden') for non-resource permissions such as 'audit:read'. */
  authorizeNonResource(caller: Caller, permission: string): Promise<void>;
  visibility(caller: Caller, kind: KindDef, verb: 'list' | 'watch'): Promise<Visibility>;
  /** Throws ApiError('TooManyRequests') when the caller exceeds its rate. */
  rateLimit(caller: Caller): void;
  /**
   * Records one entry. When it returns a promise, the entry is durable once the promise resolves;
   * the server awaits it before acknowledging a mutating request, and a rejection turns the answer
   * into 503. `caller` (when authenticated) lets records carry the token id and roles.
   */
  audit(entry: AuditEntry, caller?: Caller): void | Promise<unknown>;
  /** What keeps this security from working (e.g. the audit log cannot be written), or undefined when healthy. */
  health?(): Promise<string | undefined> | string | undefined;
  /**
   * The caller a subject with these groups would be through RoleBindings and ClusterRoleBindings alone (roles
   * carried by a token are per credential, not per subject); for SubjectAccessReview.
   */
  subjectCaller?(user: string, groups: readonly string[]): Caller;
  /** Removes what this caller may not see from an object (e.g. secret values). */
  redact(caller: Caller, obj: Record<string, any>): Record<string, any>;
}
