// An in-memory index of RoleBinding/ClusterRoleBinding objects that adds their grants to a principal.
import type { ClusterRoleBindingSpec, RoleBindingSpec, Subject } from '../kinds.js';
import type { Grant, Principal } from '../principal.js';

interface BindingObject<S> {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: S;
}
export type RoleBindingObject = BindingObject<RoleBindingSpec>;
export type ClusterRoleBindingObject = BindingObject<ClusterRoleBindingSpec>;

const key = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

/**
 * Holds the current bindings (fed by a list + watch of both kinds) and answers "which grants does
 * this subject have". Agents never receive binding grants: an agent's rights come only from its
 * site-bound credential.
 */
export class BindingIndex {
  private readonly bindings = new Map<string, { subjects: Subject[]; grant: Grant }>();

  /** Adds or replaces a binding; objects of other kinds and malformed ones are ignored. */
  upsert(obj: RoleBindingObject | ClusterRoleBindingObject): void {
    const k = key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (obj.kind === 'RoleBinding' && obj.metadata.namespace) {
      this.bindings.set(k, {
        subjects: obj.spec.subjects,
        grant: { role: obj.spec.role, namespace: obj.metadata.namespace },
      });
    } else if (obj.kind === 'ClusterRoleBinding') {
      this.bindings.set(k, { subjects: obj.spec.subjects, grant: { role: obj.spec.role } });
    }
  }

  remove(kind: string, namespace: string | undefined, name: string): void {
    this.bindings.delete(key(kind, namespace, name));
  }

  /** Replaces the whole index (after a relist). */
  replaceAll(objs: Array<RoleBindingObject | ClusterRoleBindingObject>): void {
    this.bindings.clear();
    for (const o of objs) this.upsert(o);
  }

  grantsFor(subject: string, groups: readonly string[] = []): Grant[] {
    const out: Grant[] = [];
    for (const b of this.bindings.values()) {
      if (b.subjects.some((s) => (s.kind === 'User' ? s.name === subject : groups.includes(s.name)))) out.push(b.grant);
    }
    return out;
  }

  /** The principal with its binding grants added (deduplicated); agents are returned unchanged. */
  expand(p: Principal): Principal {
    if (p.kind === 'agent') return p;
    const seen = new Set(p.grants.map((g) => `${g.role}|${g.namespace ?? ''}`));
    const extra = this.grantsFor(p.subject, p.groups).filter((g) => {
      const k = `${g.role}|${g.namespace ?? ''}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return extra.length ? { ...p, grants: [...p.grants, ...extra] } : p;
  }
}
