// Revision controller: records each distinct Application spec a Deployment rolls out as a ControllerRevision.
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  CHANGE_CAUSE_ANNOTATION,
  ControllerRevisionKind,
  DeploymentKind,
  REVISION_HISTORY_LIMIT,
  revisionHash,
  type Application,
  type ControllerRevision,
} from '../../model/index.js';
import type { ControllerSpec } from '../../runtime/controller.js';
import { objectKey } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';

/** Name of the revision of deployment `dep` with spec hash `hash` (stable: one object per distinct spec). */
export const revisionName = (dep: string, hash: string): string => `${dep}-${hash.slice(0, 10)}`;

/**
 * Level-triggered, per Deployment: the revision whose hash is the current Application spec's must exist and
 * carry the highest number (a spec seen before — e.g. after `rollout undo` — is renumbered as the newest, as in
 * Kubernetes); beyond REVISION_HISTORY_LIMIT the oldest are deleted. Revisions are owned by their Deployment, so
 * the garbage collector removes them with it. No write happens when all of this already holds.
 */
export function revisionController(m: Manager): ControllerSpec {
  const store = m.opts.store;
  const deployments = m.informer(DeploymentKind);
  const applications = m.informer(ApplicationKind);
  const revisions = m.informer(ControllerRevisionKind);
  return {
    name: 'revisions',
    workers: 1,
    watches: [
      { informer: deployments },
      {
        informer: applications,
        map: (a: Application) =>
          deployments
            .list()
            .filter((d) => d.metadata.namespace === a.metadata.namespace && d.spec.application === a.metadata.name)
            .map(objectKey),
      },
      {
        informer: revisions,
        map: (r: ControllerRevision) => [`${r.metadata.namespace}/${r.spec.deployment}`],
      },
    ],
    async reconcile(ctx, key) {
      const [ns, name] = key.split('/');
      const dep = await store.get(DeploymentKind, ns, name);
      if (!dep || dep.metadata.deletionTimestamp) return;
      const app = await store.get(ApplicationKind, ns, dep.spec.application);
      if (!app) return;
      const hash = revisionHash(app.spec);
      const own = (
        await store.list(ControllerRevisionKind, { namespace: ns, fieldSelector: `spec.deployment=${name}` })
      ).items.filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid));
      const newest = Math.max(0, ...own.map((r) => r.spec.revision));
      const current = own.find((r) => r.spec.hash === hash);
      const changeCause = app.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
      if (!current) {
        try {
          await store.create(ControllerRevisionKind, {
            apiVersion: API_VERSION,
            kind: 'ControllerRevision',
            metadata: {
              name: revisionName(name, hash),
              namespace: ns,
              labels: { 'continuum.eu/deployment': name },
              ownerReferences: [
                { apiVersion: API_VERSION, kind: 'Deployment', name, uid: dep.metadata.uid, controller: true },
              ],
            },
            spec: {
              deployment: name,
              application: app.metadata.name,
              revision: newest + 1,
              hash,
              applicationSpec: app.spec,
              ...(changeCause ? { changeCause } : {}),
            },
          });
          ctx.log.info(`revisions: ${ns}/${name} revision ${newest + 1} (${hash})`);
        } catch (e) {
          // A revision of a deleted-and-recreated Deployment of the same name: the old owner's one goes first.
          if (!(e instanceof ApiError && e.code === 'AlreadyExists')) throw e;
          await store.delete(ControllerRevisionKind, ns, revisionName(name, hash));
          return { requeueAfterMs: 100 };
        }
      } else if (current.spec.revision !== newest) {
        await store.update(ControllerRevisionKind, {
          ...current,
          spec: { ...current.spec, revision: newest + 1, ...(changeCause ? { changeCause } : {}) },
        });
      }
      const old = own
        .filter((r) => r.spec.hash !== hash)
        .sort((a, b) => b.spec.revision - a.spec.revision)
        .slice(REVISION_HISTORY_LIMIT - 1);
      for (const r of old) {
        try {
          await store.delete(ControllerRevisionKind, ns, r.metadata.name, {
            preconditions: { uid: r.metadata.uid },
          });
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 'NotFound')) throw e;
        }
      }
    },
  };
}
