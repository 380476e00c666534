// Partner routes of files, artefacts and application onboarding, kept as Secrets and native Applications.
import type { FastifyInstance } from 'fastify';
import { ApiError, ApplicationKind, DeploymentKind } from '../../model/index.js';
import {
  operation,
  type AdditionalZonesRequest,
  type ApplicationDetails,
  type OnboardApplicationRequest,
  type UpdateApplicationRequest,
  type UploadArtefactRequest,
  type UploadFileRequest,
  type ZoneForbidRequest,
} from '../ewbi/index.js';
import type { PartnerContext } from './context.js';
import { serve } from './http.js';
import { appDoc, applyApplication, listInstances, saveAppDoc, TYPE, type AppDoc } from './app-records.js';
import {
  canonical,
  deleteDoc,
  getDoc,
  L,
  listDocs,
  loadFederation,
  namespaceOf,
  putDoc,
  recordName,
} from './records.js';

const conflict = (what: string): ApiError =>
  new ApiError('Conflict', `${what} already exists with different content; remove it first`, [
    { field: '(body)', message: 'differs from the stored one' },
  ]);

export function appRoutes(app: FastifyInstance, ctx: PartnerContext): void {
  const { store } = ctx;

  serve(app, operation('UploadFile'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as UploadFileRequest;
    if (b.repoType === 'UPLOAD' || !b.fileRepoLocation?.repoURL)
      throw new ApiError('Invalid', 'this partner runs images from a repository only (fileRepoLocation.repoURL)', [
        { field: 'fileRepoLocation.repoURL', message: 'required' },
      ]);
    const ns = namespaceOf(record.federationContextId);
    const name = recordName('file', b.fileId);
    const cur = await getDoc<UploadFileRequest>(store, ns, name);
    if (cur && canonical(cur) !== canonical(b)) throw conflict(`file ${b.fileId}`);
    if (!cur) await putDoc(store, ns, name, TYPE.file, b, { [L.kind]: 'file' });
  });

  serve(app, operation('ViewFile'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const f = await getDoc<UploadFileRequest>(
      store,
      namespaceOf(record.federationContextId),
      recordName('file', params.fileId),
    );
    if (!f)
      throw new ApiError('NotFound', `file ${params.fileId} not found`, [{ field: 'fileId', message: 'not uploaded' }]);
    return { body: f };
  });

  serve(app, operation('RemoveFile'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const ns = namespaceOf(record.federationContextId);
    const users = (await listDocs<UploadArtefactRequest>(store, ns, 'artefact')).filter((a) =>
      a.componentSpec.some((c) => c.images.includes(params.fileId)),
    );
    if (users.length)
      throw new ApiError('Conflict', `file ${params.fileId} is used by artefact ${users[0].artefactId}`);
    if (!(await deleteDoc(store, ns, recordName('file', params.fileId))))
      throw new ApiError('NotFound', `file ${params.fileId} not found`, [{ field: 'fileId', message: 'not uploaded' }]);
  });

  serve(app, operation('UploadArtefact'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as UploadArtefactRequest;
    const ns = namespaceOf(record.federationContextId);
    const name = recordName('artefact', b.artefactId);
    const cur = await getDoc<UploadArtefactRequest>(store, ns, name);
    if (cur && canonical(cur) !== canonical(b)) throw conflict(`artefact ${b.artefactId}`);
    if (!cur) await putDoc(store, ns, name, TYPE.artefact, b, { [L.kind]: 'artefact' });
  });

  serve(app, operation('GetArtefact'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const a = await getDoc<UploadArtefactRequest>(
      store,
      namespaceOf(record.federationContextId),
      recordName('artefact', params.artefactId),
    );
    if (!a)
      throw new ApiError('NotFound', `artefact ${params.artefactId} not found`, [
        { field: 'artefactId', message: 'not uploaded' },
      ]);
    return { body: a };
  });

  serve(app, operation('RemoveArtefact'), async ({ client, params }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const ns = namespaceOf(record.federationContextId);
    const users = (await listDocs<AppDoc>(store, ns, 'app')).filter((d) =>
      d.request.appComponentSpecs.some((c) => c.artefactId === params.artefactId),
    );
    if (users.length)
      throw new ApiError('Conflict', `artefact ${params.artefactId} is used by application ${users[0].request.appId}`);
    if (!(await deleteDoc(store, ns, recordName('artefact', params.artefactId))))
      throw new ApiError('NotFound', `artefact ${params.artefactId} not found`, [
        { field: 'artefactId', message: 'not uploaded' },
      ]);
  });

  serve(app, operation('OnboardApplication'), async ({ client, params, body }) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const b = body as OnboardApplicationRequest;
    const zones = b.appDeploymentZones ?? record.acceptedZones;
    const bad = zones.filter((z) => !record.acceptedZones.includes(z));
    if (!zones.length || bad.length)
      throw new ApiError('Invalid', `zones not subscribed: ${bad.join(', ') || '(none subscribed)'}`, [
        { field: 'appDeploymentZones', message: 'every zone must be subscribed first' },
      ]);
    const cur = await appDoc(store, record, b.appId);
    if (cur) {
      if (cur.deleting) throw new ApiError('Conflict', `application ${b.appId} is being deleted; retry later`);
      if (canonical(cur.request) !== canonical(b)) throw conflict(`application ${b.appId}`);
      return; // the same onboarding again: nothing new
    }
    await applyApplication(store, ctx, record, b);
    const doc: AppDoc = {
      request: b,
      zones: Object.fromEntries(zones.map((z) => [z, 'PENDING'])),
      forbidden: [],
      notified: {},
    };
    await saveAppDoc(store, record, doc);
  });

  const mustApp = async (client: string, params: Record<string, string>) => {
    const { record } = await loadFederation(store, client, params.federationContextId);
    const doc = await appDoc(store, record, params.appId);
    if (!doc || doc.deleting)
      throw new ApiError('NotFound', `application ${params.appId} not onboarded`, [
        { field: 'appId', message: 'not onboarded' },
      ]);
    return { record, doc };
  };

  serve(app, operation('ViewApplication'), async ({ client, params }) => {
    const { doc } = await mustApp(client, params);
    const r = doc.request;
    const live = Object.keys(doc.zones).filter((z) => doc.zones[z] !== 'REMOVED');
    const res: ApplicationDetails = {
      appId: r.appId,
      appProviderId: r.appProviderId,
      appDeploymentZones: live.length ? live : Object.keys(doc.zones),
      appMetaData: r.appMetaData,
      appQoSProfile: r.appQoSProfile,
      appComponentSpecs: r.appComponentSpecs,
    };
    return { body: res };
  });

  serve(app, operation('UpdateApplication'), async ({ client, params, body }) => {
    const { record, doc } = await mustApp(client, params);
    const b = body as UpdateApplicationRequest;
    const req = structuredClone(doc.request);
    if (b.appUpdQoSProfile) {
      const { latencyConstraint, latencyConstraints, mobilitySupport, ...rest } = b.appUpdQoSProfile;
      const lat = latencyConstraints ?? latencyConstraint;
      req.appQoSProfile = { ...req.appQoSProfile, ...rest, ...(lat ? { latencyConstraints: lat } : {}) };
      if (mobilitySupport !== undefined) req.appMetaData = { ...req.appMetaData, mobilitySupport };
    }
    for (const c of b.appComponentSpecs ?? []) {
      const i = req.appComponentSpecs.findIndex((x) => x.componentName === c.componentName);
      if (i < 0)
        throw new ApiError('Invalid', `component ${c.componentName} is not part of the application`, [
          { field: 'appComponentSpecs.componentName', message: 'unknown component' },
        ]);
      req.appComponentSpecs[i] = { ...req.appComponentSpecs[i], ...c };
    }
    await applyApplication(store, ctx, record, req);
    await saveAppDoc(store, record, { ...doc, request: req });
  });

  serve(app, operation('DeleteApp'), async ({ client, params }) => {
    const { record, doc } = await mustApp(client, params);
    const ns = namespaceOf(record.federationContextId);
    for (const d of await listInstances(store, record))
      if (d.metadata.labels?.[L.appId] === params.appId)
        await store.delete(DeploymentKind, ns, d.metadata.name).catch(() => undefined);
    await store.delete(ApplicationKind, ns, params.appId).catch(() => undefined);
    const zones = Object.fromEntries(
      Object.keys(doc.zones).map((z) => [z, doc.zones[z] === 'REMOVED' ? 'REMOVED' : 'DEBOARDING']),
    ) as AppDoc['zones'];
    await saveAppDoc(store, record, { ...doc, zones, deleting: true });
  });

  serve(app, operation('DeboardApplication'), async ({ client, params }) => {
    const { record, doc } = await mustApp(client, params);
    const st = doc.zones[params.zoneId];
    if (!st || st === 'REMOVED')
      throw new ApiError('NotFound', `application ${params.appId} is not onboarded in zone ${params.zoneId}`, [
        { field: 'zoneId', message: 'not onboarded there' },
      ]);
    const ns = namespaceOf(record.federationContextId);
    for (const d of await listInstances(store, record))
      if (d.metadata.labels?.[L.appId] === params.appId && d.metadata.labels?.[L.zone] === params.zoneId)
        await store.delete(DeploymentKind, ns, d.metadata.name).catch(() => undefined);
    if (st !== 'DEBOARDING')
      await saveAppDoc(store, record, { ...doc, zones: { ...doc.zones, [params.zoneId]: 'DEBOARDING' } });
  });

  serve(app, operation('OnboardExistingAppNewZones'), async ({ client, params, body }) => {
    const { record, doc } = await mustApp(client, params);
    const zones = body as AdditionalZonesRequest;
    const bad = zones.filter((z) => !record.acceptedZones.includes(z));
    if (bad.length)
      throw new ApiError(
        'Invalid',
        `zones not subscribed: ${bad.join(', ')}`,
        bad.map((z) => ({ field: 'zoneId', message: `${z} not subscribed` })),
      );
    const next = { ...doc.zones };
    for (const z of zones) if (!next[z] || next[z] === 'REMOVED' || next[z] === 'FAILED') next[z] = 'PENDING';
    if (canonical(next) !== canonical(doc.zones)) await saveAppDoc(store, record, { ...doc, zones: next });
  });

  serve(app, operation('LockUnlockApplicationZone'), async ({ client, params, body }) => {
    const { record, doc } = await mustApp(client, params);
    const forbidden = new Set(doc.forbidden);
    for (const { zoneId, forbid } of body as ZoneForbidRequest) {
      if (!doc.zones[zoneId])
        throw new ApiError('NotFound', `application ${params.appId} is not onboarded in zone ${zoneId}`, [
          { field: 'zoneId', message: 'not onboarded there' },
        ]);
      if (forbid) forbidden.add(zoneId);
      else forbidden.delete(zoneId);
    }
    const next = [...forbidden].sort();
    if (canonical(next) !== canonical(doc.forbidden)) await saveAppDoc(store, record, { ...doc, forbidden: next });
  });
}
