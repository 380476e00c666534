// Replicas on partner zones: onboarding and instantiation through the outbox, partner status mirrored locally.
import { ApiError, SiteKind, WorkloadKind, type Workload, type WorkloadStatus } from '../../model/index.js';
import type { ControllerSpec, ReconcileContext, ReconcileResult } from '../../runtime/controller.js';
import { objectKey } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { jsonEqual } from '../../store/index.js';
import { EwbiError } from './client.js';
import type { GuestContext } from './context.js';
import {
  FEDERATION_LABEL,
  FederationKind,
  FederationOperationKind,
  INSTANCE_FINALIZER,
  ZONE_LABEL,
  type Federation,
  type FederationOperation,
} from './kinds.js';
import { mirrorStatus } from './mirror.js';
import { enqueue, operationName } from './outbox.js';
import {
  installBody,
  instanceIds,
  onboardBody,
  uploadArtefactBody,
  uploadFileBody,
  type InstanceIds,
} from './payloads.js';

/** Annotation holding the EWBI ids of a partner-zone Workload (kept so its removal needs nothing else). */
export const IDS_ANNOTATION = 'continuum.eu/ewbi-ids';

const enc = encodeURIComponent;
export const instancePath = (ids: InstanceIds): string =>
  `/{fcid}/application/lcm/app/${enc(ids.appId)}/instance/${enc(ids.appInstanceId)}/zone/${enc(ids.zoneId)}`;

export function instanceController(g: GuestContext) {
  return (m: Manager): ControllerSpec => {
    const store = m.opts.store;
    const workloads = m.informer(WorkloadKind);
    const sites = m.informer(SiteKind);
    const ops = m.informer(FederationOperationKind);
    const feds = m.informer(FederationKind);
    /** EWBI id (appId, fileId, instance id) → workload keys using it: which workloads an outbox change concerns. */
    const users = new Map<string, Set<string>>();
    /** When an onboarding entry was first seen Done without a callback (local ms), for the ViewApplication fallback. */
    const doneSeen = new Map<string, number>();

    const note = (id: string, key: string): void => {
      let s = users.get(id);
      if (!s) users.set(id, (s = new Set()));
      s.add(key);
    };
    const idsOf = (w: Workload): InstanceIds | undefined => {
      const raw = w.metadata.annotations?.[IDS_ANNOTATION];
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as InstanceIds;
      } catch {
        return undefined;
      }
    };
    const onPartner = (w: Workload): boolean =>
      !!w.spec.siteName && !!sites.get(w.spec.siteName)?.metadata.labels?.[FEDERATION_LABEL];
    const ours = (w: Workload): boolean => onPartner(w) || !!w.metadata.finalizers?.includes(INSTANCE_FINALIZER);

    async function writeStatus(w: Workload, status: WorkloadStatus): Promise<void> {
      if (jsonEqual(status, w.status ?? {})) return;
      await store.updateStatus(WorkloadKind, { ...w, status }).catch((e: unknown) => {
        if (!(e instanceof ApiError && (e.code === 'Conflict' || e.code === 'NotFound'))) throw e;
      });
    }
    const starting = (w: Workload, message: string): Promise<void> =>
      writeStatus(w, { ...w.status, phase: 'Starting', siteName: w.spec.siteName, message });

    async function dropFinalizer(w: Workload): Promise<void> {
      await store
        .update(WorkloadKind, {
          ...w,
          metadata: {
            ...w.metadata,
            finalizers: (w.metadata.finalizers ?? []).filter((f) => f !== INSTANCE_FINALIZER),
          },
        })
        .catch((e: unknown) => {
          if (!(e instanceof ApiError && (e.code === 'Conflict' || e.code === 'NotFound'))) throw e;
        });
    }

    /** Outbox entries of the onboarding chain (created once; later calls find them). */
    async function chain(fed: Federation, w: Workload, ids: InstanceIds): Promise<FederationOperation> {
      const name = fed.metadata.name;
      const base = g.callbackBase(fed);
      const refs = { appId: ids.appId, fileId: ids.fileId, zoneId: ids.zoneId, group: ids.group };
      const file = operationName(name, 'UploadFile', ids.fileId);
      const art = operationName(name, 'UploadArtefact', ids.artefactId);
      const onb = operationName(name, 'OnboardApplication', ids.appId);
      const common = { federation: name, method: 'POST' as const };
      await enqueue(store, file, {
        ...common,
        operation: 'UploadFile',
        path: '/{fcid}/files',
        encoding: 'multipart',
        body: uploadFileBody(w, ids),
        refs,
      });
      await enqueue(store, art, {
        ...common,
        operation: 'UploadArtefact',
        path: '/{fcid}/artefact',
        encoding: 'multipart',
        body: uploadArtefactBody(w, ids),
        after: [file],
        refs,
      });
      return enqueue(store, onb, {
        ...common,
        operation: 'OnboardApplication',
        path: '/{fcid}/application/onboarding',
        encoding: 'json',
        body: onboardBody(w, ids, base),
        after: [art],
        refs,
      });
    }

    /** Whether the partner onboarded the application: its callback said so, or (no callback) ViewApplication knows it. */
    async function onboarded(fed: Federation, op: FederationOperation, ids: InstanceIds): Promise<boolean | 'failed'> {
      const state = op.status?.partnerState;
      if (state === 'ONBOARDED') return true;
      if (state === 'FAILED' || state === 'REMOVED' || state === 'DEBOARDING') return 'failed';
      const first = doneSeen.get(op.metadata.name) ?? performance.now();
      doneSeen.set(op.metadata.name, first);
      if (performance.now() - first < 3 * g.pollMs) return false;
      const client = await g.client(fed);
      try {
        await client.json(
          'GET',
          `/${enc(fed.status!.federationContextId!)}/application/onboarding/app/${enc(ids.appId)}`,
        );
        return true;
      } catch (e) {
        if (e instanceof EwbiError && !e.transient) return false;
        throw e;
      }
    }

    async function remove(w: Workload, ctx: ReconcileContext): Promise<ReconcileResult | void> {
      const ids = idsOf(w);
      const fedName = w.metadata.annotations?.[FEDERATION_LABEL];
      const fed = fedName ? await store.get(FederationKind, undefined, fedName) : undefined;
      if (!ids || !fed) return dropFinalizer(w);
      const install = operationName(fed.metadata.name, 'InstallApp', ids.appInstanceId);
      if (!(await store.get(FederationOperationKind, undefined, install))) return dropFinalizer(w);
      const rm = await enqueue(store, operationName(fed.metadata.name, 'RemoveApp', ids.appInstanceId), {
        federation: fed.metadata.name,
        operation: 'RemoveApp',
        method: 'DELETE',
        path: instancePath(ids),
        after: [install],
        refs: { appId: ids.appId, appInstanceId: ids.appInstanceId, zoneId: ids.zoneId, group: ids.group },
      });
      note(rm.metadata.name, objectKey(w));
      if (rm.status?.phase !== 'Done' && rm.status?.phase !== 'Failed') {
        await writeStatus(w, { ...w.status, phase: 'Terminating', message: 'removing the instance on the partner' });
        return;
      }
      ctx.log.info(`workload ${objectKey(w)}: instance ${ids.appInstanceId} removed on partner (${fed.metadata.name})`);
      await dropFinalizer(w);
    }

    return {
      name: 'federation-instances',
      workers: 2,
      watches: [
        { informer: workloads, map: (w: Workload) => (ours(w) ? [objectKey(w)] : []) },
        {
          informer: ops,
          map: (o: FederationOperation) => [
            ...(users.get(o.metadata.name) ?? []),
            ...(users.get(o.spec.refs?.appId ?? '') ?? []),
          ],
        },
        {
          informer: feds,
          map: (f: Federation) =>
            workloads
              .list()
              .filter((w) => sites.get(w.spec.siteName ?? '')?.metadata.labels?.[FEDERATION_LABEL] === f.metadata.name)
              .map(objectKey),
        },
      ],
      async reconcile(ctx, key) {
        const [ns, name] = key.split('/');
        const w = await store.get(WorkloadKind, ns, name);
        if (!w) return;
        if (w.metadata.deletionTimestamp) {
          if (!w.metadata.finalizers?.includes(INSTANCE_FINALIZER)) return;
          return remove(w, ctx);
        }
        const site = w.spec.siteName ? sites.get(w.spec.siteName) : undefined;
        const fedName = site?.metadata.labels?.[FEDERATION_LABEL];
        const zoneId = site?.metadata.labels?.[ZONE_LABEL];
        if (!site || !fedName || !zoneId) return;
        const fed = feds.get(fedName);
        const fcid = fed?.status?.federationContextId;
        if (!fed || !fcid) {
          await starting(w, `waiting for federation ${fedName}`);
          return { stalled: true };
        }
        let ids = idsOf(w);
        if (!ids || !w.metadata.finalizers?.includes(INSTANCE_FINALIZER)) {
          const owner = w.metadata.ownerReferences?.find((r) => r.controller)?.uid ?? w.metadata.uid;
          ids = instanceIds(fedName, w, zoneId, owner);
          // The finalizer and ids are durable before any call: a crash from here on repeats the same calls.
          await store.update(WorkloadKind, {
            ...w,
            metadata: {
              ...w.metadata,
              finalizers: [...(w.metadata.finalizers ?? []), INSTANCE_FINALIZER],
              annotations: {
                ...w.metadata.annotations,
                [IDS_ANNOTATION]: JSON.stringify(ids),
                [FEDERATION_LABEL]: fedName,
              },
            },
          });
          return;
        }
        for (const id of [ids.appId, ids.fileId, ids.appInstanceId]) note(id, key);
        const onb = await chain(fed, w, ids);
        note(onb.metadata.name, key);
        if (onb.status?.phase === 'Failed')
          return writeStatus(w, {
            ...w.status,
            phase: 'Failed',
            message: `onboarding failed: ${onb.status.lastError ?? ''}`,
          });
        if (onb.status?.phase !== 'Done') return starting(w, 'onboarding the application on the partner');
        const ok = await onboarded(fed, onb, ids).catch((e: unknown) => {
          if (e instanceof EwbiError) return false;
          throw e;
        });
        if (ok === 'failed')
          return writeStatus(w, {
            ...w.status,
            phase: 'Failed',
            message: `partner onboarding ${onb.status?.partnerState}`,
          });
        if (!ok) {
          await starting(w, 'waiting for the partner to onboard the application');
          return { requeueAfterMs: g.pollMs };
        }
        const zone = fed.status?.acceptedZones?.find((z) => z.zoneId === zoneId);
        const install = await enqueue(store, operationName(fedName, 'InstallApp', ids.appInstanceId), {
          federation: fedName,
          operation: 'InstallApp',
          method: 'POST',
          path: '/{fcid}/application/lcm',
          encoding: 'json',
          body: installBody(ids, zone?.flavours?.[0] ?? 'default', g.callbackBase(fed)),
          after: [onb.metadata.name],
          refs: { appId: ids.appId, appInstanceId: ids.appInstanceId, zoneId, group: ids.group, workload: key },
        });
        note(install.metadata.name, key);
        if (install.status?.phase === 'Failed')
          return writeStatus(w, {
            ...w.status,
            phase: 'Failed',
            message: `instantiation refused: ${install.status.lastError ?? ''}`,
          });
        if (install.status?.phase !== 'Done') return starting(w, 'creating the instance on the partner');
        // Instance state: poll (callbacks bring changes sooner). Unreachable partner: the zone's lease tells.
        try {
          const client = await g.client(fed);
          const res = await client.json('GET', instancePath(ids).replace('{fcid}', enc(fcid)));
          await writeStatus(w, mirrorStatus(w, res.body));
        } catch (e) {
          if (!(e instanceof EwbiError)) throw e;
          if (e.status === 404)
            await writeStatus(w, { ...w.status, phase: 'Failed', message: 'the partner no longer knows the instance' });
        }
        return { requeueAfterMs: g.pollMs };
      },
    };
  };
}
