// How Continuum identities map to Kubernetes names and labels (per-tenant namespaces, DNS-safe object names).
import { createHash } from 'node:crypto';

/** Label every object the driver applies carries (the standard "managed by" label). */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'continuum';
/** Which driver instance owns the object (hash of its identity), so several agents can share one cluster. */
export const DRIVER_LABEL = 'continuum.eu/driver';
/** The Continuum namespace (tenant) and workload name an object belongs to. */
export const TENANT_LABEL = 'continuum.eu/tenant';
export const WORKLOAD_LABEL = 'continuum.eu/workload';
/** The workload's uid and generation (what ensure() compares to decide "same" or "replace"). */
export const UID_LABEL = 'continuum.eu/uid';
export const GENERATION_ANNOTATION = 'continuum.eu/generation';
/** "<namespace>/<name>", the RunSpec id, kept verbatim on every object. */
export const ID_ANNOTATION = 'continuum.eu/id';
/** Field manager of every server-side apply. */
export const FIELD_MANAGER = 'continuum-agent';

/** Short stable hash of a string (lower-case hex, DNS-safe). */
export const shortHash = (s: string, n = 8): string => createHash('sha256').update(s).digest('hex').slice(0, n);

/** `x` when it is a DNS-1035 label of at most `max` characters, else a truncated form with a hash suffix. */
function label(x: string, max: number): string {
  const clean = x.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const ok = /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(clean) && clean.length <= max && clean === x;
  if (ok) return clean;
  const head = clean
    .replace(/^[^a-z]+/, '')
    .slice(0, max - 10)
    .replace(/-+$/, '');
  return `${head || 'w'}-${shortHash(x)}`;
}

/** Names of the objects of one workload. */
export interface WorkloadNames {
  id: string;
  tenant: string;
  workload: string;
  /** Kubernetes namespace: one per tenant (Continuum namespace). */
  namespace: string;
  /** Name of the Deployment, Service, ConfigMap and NetworkPolicy. */
  name: string;
}

/** Splits a RunSpec id "<namespace>/<name>" and derives the Kubernetes names (prefix: namespace prefix). */
export function namesOf(id: string, prefix = 'continuum-'): WorkloadNames {
  const slash = id.indexOf('/');
  const tenant = slash > 0 ? id.slice(0, slash) : 'default';
  const workload = slash > 0 ? id.slice(slash + 1) : id;
  return { id, tenant, workload, namespace: label(`${prefix}${tenant}`, 63), name: label(workload, 47) };
}

/** A label value (≤ 63 characters, alphanumeric at both ends) for a Continuum name. */
export const labelValue = (s: string): string => (s.length <= 63 ? s : `${s.slice(0, 54)}-${shortHash(s)}`);
