// CAMARA app deployments: a named set of app instances (one per zone) grouped by a label; no state of their own.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, DeploymentKind, isApiError, type Deployment } from '../../model/index.js';
import { appById } from './apps.js';
import {
  allow,
  answer,
  baseUrl,
  camara,
  checkId,
  LABEL_APP,
  LABEL_DEPLOYMENT,
  LABEL_INSTANCE,
  LABEL_ZONE,
  onlyQuery,
  tenantOf,
  type CamaraDeps,
} from './context.js';
import { createInstance, instancesOf } from './instances.js';
import { CREATE_DEPLOYMENT, PATCH_DEPLOYMENT, checkBody } from './schemas.js';
import { EAM_BASE, siteOfZone, zoneIdOf } from './zones.js';

/** Annotation holding the CAMARA appDeploymentName on every member instance. */
export const ANNOTATION_DEPLOYMENT_NAME = 'camara.continuum.eu/deployment-name';

interface Group {
  id: string;
  name: string;
  appId: string;
  members: Deployment[];
}

/** The app deployments of a namespace: the instance Deployments grouped by their deployment label. */
async function groups(deps: CamaraDeps, ns: string): Promise<Group[]> {
  const by = new Map<string, Group>();
  for (const d of await instancesOf(deps, ns)) {
    const l = d.metadata.labels!;
    const id = l[LABEL_DEPLOYMENT];
    if (!id) continue;
    const g = by.get(id) ?? {
      id,
      name: d.metadata.annotations?.[ANNOTATION_DEPLOYMENT_NAME] ?? id,
      appId: l[LABEL_APP],
      members: [],
    };
    g.members.push(d);
    by.set(id, g);
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const info = (g: Group): Record<string, unknown> => ({
  appDeploymentName: g.name,
  appDeploymentId: g.id,
  appId: g.appId,
  edgeCloudZones: [...new Set(g.members.map((m) => m.metadata.labels![LABEL_ZONE]))].sort(),
  appInstances: g.members.map((m) => m.metadata.labels![LABEL_INSTANCE]).sort(),
});

const noClusters = (refs: string[] | undefined, field: string): void => {
  if (refs?.length)
    throw new ApiError('BadRequest', 'this platform offers no Kubernetes clusters to target', [
      { field, message: 'no such cluster' },
    ]);
};

/** Zone ids → sites, each at most once; unknown zones are a 400 naming the offending entry. */
async function sitesOf(deps: CamaraDeps, zones: string[]): Promise<Array<{ name: string; zoneId: string }>> {
  if (!zones.length)
    throw new ApiError('BadRequest', 'at least one edge cloud zone is required', [
      { field: 'body.edgeCloudZones', message: 'empty' },
    ]);
  if (new Set(zones).size !== zones.length)
    throw new ApiError('BadRequest', 'edge cloud zones repeat', [
      { field: 'body.edgeCloudZones', message: 'duplicates' },
    ]);
  const out = [];
  for (const [i, z] of zones.entries()) {
    const site = await siteOfZone(deps, z, `body.edgeCloudZones[${i}]`).catch((e: ApiError) => {
      throw new ApiError('BadRequest', e.message, e.errors);
    });
    out.push({ name: site.metadata.name, zoneId: zoneIdOf(site) });
  }
  return out;
}

async function groupById(deps: CamaraDeps, req: FastifyRequest, verb: 'get' | 'delete' | 'update'): Promise<Group> {
  const { appDeploymentId } = req.params as { appDeploymentId: string };
  checkId(appDeploymentId, 'appDeploymentId');
  const ns = tenantOf(req);
  await allow(deps, req, verb === 'get' ? 'list' : verb, DeploymentKind, ns);
  const g = (await groups(deps, ns)).find((x) => x.id === appDeploymentId);
  if (!g)
    throw new ApiError('NotFound', `app deployment ${appDeploymentId} not found`, [
      { field: 'appDeploymentId', message: 'no such deployment' },
    ]);
  return g;
}

export function deploymentRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  const config = { access: { kind: 'handler' as const } };
  const url = `${EAM_BASE}/deployments`;
  app.post(
    url,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const ns = tenantOf(req);
      await allow(deps, req, 'create', DeploymentKind, ns);
      const body = checkBody<{
        appDeploymentName: string;
        appId: string;
        edgeCloudZones: string[];
        kubernetesClusterRefs?: string[];
        subscriptionRequest?: unknown;
      }>(CREATE_DEPLOYMENT, req.body);
      noClusters(body.kubernetesClusterRefs, 'body.kubernetesClusterRefs');
      if (body.subscriptionRequest !== undefined)
        throw new ApiError('BadRequest', 'implicit subscriptions are not offered by this platform', [
          { field: 'body.subscriptionRequest', message: 'not supported' },
        ]);
      const application = await appById(deps, ns, body.appId, 'body.appId').catch(() => {
        throw new ApiError('BadRequest', `app ${body.appId} does not exist`, [
          { field: 'body.appId', message: 'no such app' },
        ]);
      });
      const sites = await sitesOf(deps, body.edgeCloudZones);
      if ((await groups(deps, ns)).some((g) => g.name === body.appDeploymentName))
        throw new ApiError('AlreadyExists', `app deployment ${body.appDeploymentName} already exists`, [
          { field: 'body.appDeploymentName', message: 'name taken' },
        ]);
      const id = randomUUID();
      for (const site of sites)
        await createInstance(
          deps,
          req,
          ns,
          application,
          site,
          body.appDeploymentName,
          { [LABEL_DEPLOYMENT]: id },
          { [ANNOTATION_DEPLOYMENT_NAME]: body.appDeploymentName },
        );
      return answer(req, reply, 202, { appDeploymentId: id }, { location: `${baseUrl(req)}${url}/${id}` });
    }),
  );
  app.get(
    url,
    { config },
    camara(async (req, reply) => {
      const q = onlyQuery(req, ['appId']);
      if (q.appId !== undefined) checkId(q.appId, 'appId');
      const ns = tenantOf(req);
      await allow(deps, req, 'list', DeploymentKind, ns);
      const all = (await groups(deps, ns)).filter((g) => q.appId === undefined || g.appId === q.appId);
      return answer(req, reply, 200, all.slice(0, 100).map(info));
    }),
  );
  app.get(
    `${url}/:appDeploymentId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      return answer(req, reply, 200, info(await groupById(deps, req, 'get')));
    }),
  );
  app.delete(
    `${url}/:appDeploymentId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const g = await groupById(deps, req, 'delete');
      for (const m of g.members) await deps.store.delete(DeploymentKind, m.metadata.namespace, m.metadata.name);
      return answer(req, reply, 202);
    }),
  );
  app.patch(
    `${url}/:appDeploymentId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      await allow(deps, req, 'update', DeploymentKind, tenantOf(req));
      const type = String(req.headers['content-type'] ?? '');
      if (!type.startsWith('application/merge-patch+json'))
        throw new ApiError('BadRequest', 'the patch must be application/merge-patch+json', [
          { field: 'content-type', message: 'must be application/merge-patch+json' },
        ]);
      const body = checkBody<{
        appDeploymentName?: string;
        edgeCloudZones?: string[];
        kubernetesClusterRefs?: string[];
      }>(PATCH_DEPLOYMENT, req.body);
      noClusters(body.kubernetesClusterRefs, 'body.kubernetesClusterRefs');
      const g = await groupById(deps, req, 'update');
      const ns = tenantOf(req);
      const name = body.appDeploymentName ?? g.name;
      if (name !== g.name && (await groups(deps, ns)).some((x) => x.name === name))
        throw new ApiError('Conflict', `app deployment ${name} already exists`, [
          { field: 'body.appDeploymentName', message: 'name taken' },
        ]);
      if (body.edgeCloudZones) {
        const wanted = await sitesOf(deps, body.edgeCloudZones);
        const have = new Set(g.members.map((m) => m.metadata.labels![LABEL_ZONE]));
        const application = await appById(deps, ns, g.appId, 'appId').catch(() => {
          throw new ApiError('Conflict', `app ${g.appId} of this deployment no longer exists`, [
            { field: 'appId', message: 'app deleted' },
          ]);
        });
        for (const site of wanted.filter((s) => !have.has(s.zoneId)))
          await createInstance(
            deps,
            req,
            ns,
            application,
            site,
            name,
            { [LABEL_DEPLOYMENT]: g.id },
            { [ANNOTATION_DEPLOYMENT_NAME]: name },
          );
        const keep = new Set(wanted.map((s) => s.zoneId));
        for (const m of g.members.filter((x) => !keep.has(x.metadata.labels![LABEL_ZONE])))
          await deps.store.delete(DeploymentKind, ns, m.metadata.name);
      }
      await tagName(deps, ns, g.id, name);
      const now = (await groups(deps, ns)).find((x) => x.id === g.id);
      if (!now) throw new ApiError('Conflict', 'the deployment changed during the update', []);
      return answer(req, reply, 200, info(now));
    }),
  );
}

/** Writes the deployment name onto every member that does not carry it yet (re-reading on a write conflict). */
async function tagName(deps: CamaraDeps, ns: string, id: string, name: string): Promise<void> {
  for (const first of await instancesOf(deps, ns)) {
    if (first.metadata.labels?.[LABEL_DEPLOYMENT] !== id) continue;
    for (let attempt = 0; ; attempt++) {
      const d = (await deps.store.get(DeploymentKind, ns, first.metadata.name)) as Deployment | undefined;
      if (!d || d.metadata.annotations?.[ANNOTATION_DEPLOYMENT_NAME] === name) break;
      const annotations = { ...d.metadata.annotations, [ANNOTATION_DEPLOYMENT_NAME]: name };
      try {
        await deps.store.update(DeploymentKind, { ...d, metadata: { ...d.metadata, annotations } });
        break;
      } catch (e) {
        if (!isApiError(e, 'Conflict') || attempt >= 5) throw e;
      }
    }
  }
}
