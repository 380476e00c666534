// Onboarded applications on the partner side: their records (Secrets) and native Applications and instances.
import { ApiError, ApplicationKind, DeploymentKind, type Deployment } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type {
  OnboardApplicationRequest,
  OnboardStatus,
  UploadArtefactRequest,
  UploadFileRequest,
} from '../ewbi/index.js';
import type { PartnerContext } from './context.js';
import { nativeComponents } from './native.js';
import { canonical, getDoc, head, L, namespaceOf, putDoc, recordName, type FederationRecord } from './records.js';

/** What the partner keeps about one onboarded application. */
export interface AppDoc {
  request: OnboardApplicationRequest;
  /** Onboarding status per zone. */
  zones: Record<string, OnboardStatus>;
  forbidden: string[];
  /** Status last delivered to appStatusCallbackLink, per zone (the callback outbox). */
  notified: Record<string, OnboardStatus>;
  /** DeleteApp was called: the record goes once every zone is REMOVED and reported. */
  deleting?: boolean;
}

export const TYPE = {
  file: 'ewbi.continuum.eu/file',
  artefact: 'ewbi.continuum.eu/artefact',
  app: 'ewbi.continuum.eu/app',
};

export const appDocName = (appId: string): string => recordName('app', appId);

export const appDoc = (store: Store, r: FederationRecord, appId: string): Promise<AppDoc | undefined> =>
  getDoc<AppDoc>(store, namespaceOf(r.federationContextId), appDocName(appId));

export const saveAppDoc = (store: Store, r: FederationRecord, doc: AppDoc): Promise<void> =>
  putDoc(store, namespaceOf(r.federationContextId), appDocName(doc.request.appId), TYPE.app, doc, {
    [L.kind]: 'app',
    [L.appId]: doc.request.appId,
  });

/** The application instances (native Deployments) of a federation. */
export async function listInstances(store: Store, r: FederationRecord): Promise<Deployment[]> {
  const { items } = await store.list(DeploymentKind, {
    namespace: namespaceOf(r.federationContextId),
    labelSelector: L.instance,
  });
  return items;
}

/** Builds (or rebuilds) the native Application of an onboarded application. */
export async function applyApplication(
  store: Store,
  ctx: PartnerContext,
  r: FederationRecord,
  req: OnboardApplicationRequest,
) {
  const ns = namespaceOf(r.federationContextId);
  const artefacts: UploadArtefactRequest[] = [];
  for (const c of req.appComponentSpecs) {
    const a = await getDoc<UploadArtefactRequest>(store, ns, recordName('artefact', c.artefactId));
    if (!a)
      throw new ApiError('Invalid', `artefact ${c.artefactId} was not uploaded`, [
        { field: 'appComponentSpecs.artefactId', message: 'unknown artefact' },
      ]);
    if (!artefacts.some((x) => x.artefactId === a.artefactId)) artefacts.push(a);
  }
  const files = new Map<string, UploadFileRequest>();
  for (const a of artefacts)
    for (const c of a.componentSpec)
      for (const f of c.images) {
        const doc = await getDoc<UploadFileRequest>(store, ns, recordName('file', f));
        if (doc) files.set(f, doc);
      }
  const components = nativeComponents(artefacts, (id) => files.get(id), ctx.runtimes);
  const spec = { description: `EWBI application ${req.appId} of ${req.appProviderId}`, components };
  const labels = { [L.appId]: req.appId, [L.appProvider]: req.appProviderId };
  const cur = await store.get(ApplicationKind, ns, req.appId);
  if (!cur)
    await store.create(ApplicationKind, {
      ...head(ApplicationKind),
      metadata: { name: req.appId, namespace: ns, labels },
      spec,
    });
  else if (canonical(cur.spec) !== canonical(spec)) await store.update(ApplicationKind, { ...cur, spec });
}
