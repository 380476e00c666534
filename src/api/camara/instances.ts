// CAMARA app instances: one Deployment of the app's Application pinned to the zone's Site (placement decides the rest).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { API_VERSION, ApiError, DeploymentKind, type Application, type Deployment } from '../../model/index.js';
import { appById, appInfo, applicationOf, type AppManifest } from './apps.js';
import {
  allow,
  ANNOTATION_NAME,
  answer,
  baseUrl,
  camara,
  checkId,
  instanceObjectName,
  LABEL_APP,
  LABEL_DEPLOYMENT,
  LABEL_INSTANCE,
  LABEL_ZONE,
  onlyQuery,
  tenantOf,
  type CamaraDeps,
} from './context.js';
import { checkBody, CREATE_INSTANCE } from './schemas.js';
import { allSites, EAM_BASE, siteOfZone, zoneIdOf } from './zones.js';

export type InstanceStatus = 'ready' | 'instantiating' | 'failed' | 'terminating' | 'unknown';

/** CAMARA instance status from the Deployment's phase (the deployment controller's verdict). */
export function instanceStatus(dep: Deployment): InstanceStatus {
  if (dep.metadata.deletionTimestamp) return 'terminating';
  switch (dep.status?.phase) {
    case 'Running':
      return 'ready';
    case 'Failed':
      return 'failed';
    case 'Terminating':
      return 'terminating';
    case 'Degraded':
      return 'unknown';
    default:
      return 'instantiating';
  }
}

/** The CAMARA AppInstanceInfo of an instance Deployment. */
export function instanceInfo(dep: Deployment, app: Application | undefined, zoneId: string): Record<string, unknown> {
  const labels = dep.metadata.labels ?? {};
  const info = app ? appInfo(app) : undefined;
  const manifest = info as unknown as AppManifest | undefined;
  const interfaces = new Map<string, string>();
  try {
    if (manifest) {
      const native = applicationOf(manifest, 'x', 'x');
      native.spec.components.forEach((c, i) =>
        (c.ports ?? []).forEach((p, j) =>
          interfaces.set(`${c.name}/${p.name}`, manifest.componentSpec[i].networkInterfaces[j].interfaceId),
        ),
      );
    }
  } catch {
    // A manifest edited through the native API into another shape: the instance is shown without endpoints.
  }
  const endpoints = (dep.status?.endpoints ?? []).flatMap((e) => {
    const interfaceId = interfaces.get(`${e.component}/${e.port ?? ''}`);
    let url: URL;
    try {
      url = new URL(e.url);
    } catch {
      return [];
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!interfaceId || !(port >= 1 && port <= 65535)) return [];
    const at =
      isIP(host) === 4 ? { ipv4Addresses: [host] } : isIP(host) === 6 ? { ipv6Addresses: [host] } : { fqdn: host };
    return [{ interfaceId, accessPoints: { port, ...at } }];
  });
  return {
    name: dep.metadata.annotations?.[ANNOTATION_NAME] ?? dep.metadata.name,
    appId: labels[LABEL_APP],
    appInstanceId: labels[LABEL_INSTANCE],
    appProvider: (info?.appProvider as string | undefined) ?? 'unknown_provider',
    status: instanceStatus(dep),
    ...(endpoints.length ? { componentEndpointInfo: endpoints.slice(0, 100) } : {}),
    edgeCloudZoneId: zoneId,
  };
}

/** Creates the Deployment of one instance: the app's Application with every component pinned to `siteName`. */
export async function createInstance(
  deps: CamaraDeps,
  req: FastifyRequest,
  ns: string,
  app: Application,
  site: { name: string; zoneId: string },
  name: string,
  extraLabels: Record<string, string> = {},
  extraAnnotations: Record<string, string> = {},
): Promise<string> {
  const id = randomUUID();
  const dep = {
    apiVersion: API_VERSION,
    kind: 'Deployment',
    metadata: {
      name: instanceObjectName(id),
      namespace: ns,
      labels: {
        [LABEL_APP]: app.metadata.labels![LABEL_APP],
        [LABEL_INSTANCE]: id,
        [LABEL_ZONE]: site.zoneId,
        ...extraLabels,
      },
      annotations: { [ANNOTATION_NAME]: name, ...extraAnnotations },
    },
    spec: {
      application: app.metadata.name,
      placement: { pinned: Object.fromEntries(app.spec.components.map((c) => [c.name, site.name])) },
    },
  } as unknown as Deployment;
  await allow(deps, req, 'create', DeploymentKind, ns, dep.metadata.name);
  await deps.store.create(DeploymentKind, dep);
  return id;
}

/** The CAMARA instance Deployments of a namespace (optionally of one app). */
export async function instancesOf(deps: CamaraDeps, ns: string, appId?: string): Promise<Deployment[]> {
  const items = (await deps.store.list(DeploymentKind, { namespace: ns })).items as Deployment[];
  return items.filter((d) => {
    const l = d.metadata.labels ?? {};
    return l[LABEL_INSTANCE] !== undefined && (appId === undefined || l[LABEL_APP] === appId);
  });
}

/** Renders instances with their apps (one Application read per app). */
async function render(deps: CamaraDeps, ns: string, deps2: Deployment[]): Promise<Record<string, unknown>[]> {
  const apps = new Map<string, Application | undefined>();
  for (const d of deps2) {
    const appId = d.metadata.labels![LABEL_APP];
    if (!apps.has(appId)) apps.set(appId, await appById(deps, ns, appId, 'appId').catch(() => undefined));
  }
  return deps2.map((d) => instanceInfo(d, apps.get(d.metadata.labels![LABEL_APP]), d.metadata.labels![LABEL_ZONE]));
}

export { render as renderInstances };

export function instanceRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  const config = { access: { kind: 'handler' as const } };
  app.post(
    `${EAM_BASE}/app-instances`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const ns = tenantOf(req);
      await allow(deps, req, 'create', DeploymentKind, ns);
      const body = checkBody<{ name: string; appId: string; edgeCloudZoneId: string; subscriptionRequest?: unknown }>(
        CREATE_INSTANCE,
        req.body,
      );
      if (body.subscriptionRequest !== undefined)
        throw new ApiError('BadRequest', 'implicit subscriptions are not offered by this platform', [
          { field: 'body.subscriptionRequest', message: 'not supported' },
        ]);
      const application = await appById(deps, ns, body.appId, 'body.appId').catch(() => {
        throw new ApiError('BadRequest', `app ${body.appId} does not exist`, [
          { field: 'body.appId', message: 'no such app' },
        ]);
      });
      const site = await siteOfZone(deps, body.edgeCloudZoneId, 'body.edgeCloudZoneId').catch(() => {
        throw new ApiError('BadRequest', `edge cloud zone ${body.edgeCloudZoneId} does not exist`, [
          { field: 'body.edgeCloudZoneId', message: 'no such zone' },
        ]);
      });
      const twin = (await instancesOf(deps, ns, body.appId)).find(
        (d) => d.metadata.labels![LABEL_ZONE] === body.edgeCloudZoneId && !d.metadata.labels![LABEL_DEPLOYMENT],
      );
      if (twin)
        throw new ApiError('AlreadyExists', 'the app is already instantiated in this edge cloud zone', [
          { field: 'body.edgeCloudZoneId', message: `instance ${twin.metadata.labels![LABEL_INSTANCE]} exists` },
        ]);
      const zoneId = zoneIdOf(site);
      const id = await createInstance(deps, req, ns, application, { name: site.metadata.name, zoneId }, body.name);
      const dep = (await deps.store.get(DeploymentKind, ns, instanceObjectName(id))) as Deployment;
      return answer(req, reply, 202, instanceInfo(dep, application, zoneId), {
        location: `${baseUrl(req)}${EAM_BASE}/app-instances/${id}`,
      });
    }),
  );
  app.get(
    `${EAM_BASE}/app-instances`,
    { config },
    camara(async (req, reply) => {
      const q = onlyQuery(req, ['appId', 'region']);
      if (q.appId !== undefined) checkId(q.appId, 'appId');
      if ((q.region?.length ?? 0) > 64)
        throw new ApiError('BadRequest', 'region is too long', [{ field: 'region', message: 'at most 64 characters' }]);
      const ns = tenantOf(req);
      await allow(deps, req, 'list', DeploymentKind, ns);
      let items = await instancesOf(deps, ns, q.appId);
      if (q.region !== undefined) {
        const zones = new Set(
          (await allSites(deps)).filter((s) => s.spec.location.city === q.region).map((s) => zoneIdOf(s)),
        );
        items = items.filter((d) => zones.has(d.metadata.labels![LABEL_ZONE]));
      }
      return answer(req, reply, 200, (await render(deps, ns, items)).slice(0, 100));
    }),
  );
  app.get(
    `${EAM_BASE}/app-instances/:appInstanceId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const dep = await instanceById(deps, req);
      return answer(req, reply, 200, (await render(deps, tenantOf(req), [dep]))[0]);
    }),
  );
  app.delete(
    `${EAM_BASE}/app-instances/:appInstanceId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      // An instance of an app deployment may go too: the deployment's zones are its remaining instances.
      const dep = await instanceById(deps, req, 'delete');
      await deps.store.delete(DeploymentKind, dep.metadata.namespace, dep.metadata.name);
      return answer(req, reply, 202);
    }),
  );
}

/** The instance Deployment named by the path, after `verb` on it was authorized; 404 when absent. */
async function instanceById(
  deps: CamaraDeps,
  req: FastifyRequest,
  verb: 'get' | 'delete' = 'get',
): Promise<Deployment> {
  const { appInstanceId } = req.params as { appInstanceId: string };
  checkId(appInstanceId, 'appInstanceId');
  const ns = tenantOf(req);
  const name = instanceObjectName(appInstanceId);
  await allow(deps, req, verb, DeploymentKind, ns, name);
  const dep = (await deps.store.get(DeploymentKind, ns, name)) as Deployment | undefined;
  if (!dep || dep.metadata.labels?.[LABEL_INSTANCE] !== appInstanceId)
    throw new ApiError('NotFound', `app instance ${appInstanceId} not found`, [
      { field: 'appInstanceId', message: 'no such instance' },
    ]);
  return dep;
}
