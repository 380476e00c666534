// CAMARA apps (submitApp, getApps, getApp, deleteApp) as a thin view of our Application kind.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  API_VERSION,
  ApiError,
  ApplicationKind,
  DeploymentKind,
  type Application,
  type Component,
} from '../../model/index.js';
import {
  allow,
  ANNOTATION_MANIFEST,
  answer,
  appObjectName,
  camara,
  checkId,
  LABEL_APP,
  onlyQuery,
  tenantOf,
  type CamaraDeps,
} from './context.js';
import { APP_MANIFEST, checkBody } from './schemas.js';
import { EAM_BASE } from './zones.js';

/** The AppManifest fields we read (the schema in schemas.ts holds the rest). */
export interface AppManifest {
  name: string;
  appProvider: string;
  version: string;
  packageType: 'QCOW2' | 'OVA' | 'CONTAINER' | 'HELM' | 'CSAR';
  appRepo: { type: string; imagePath: string; credentials?: string; [k: string]: unknown };
  requiredResources: { infraKind: string; numCPU?: number | string; memory?: number; [k: string]: unknown };
  componentSpec: Array<{
    componentName: string;
    networkInterfaces: Array<{ interfaceId: string; protocol: string; port: number; visibilityType: string }>;
  }>;
  [k: string]: unknown;
}

const dns = (s: string, max: number): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '') || 'c';

/** Unique DNS-style names for a list of CAMARA names (suffixing repeats). */
function uniqueNames(names: string[], max: number): string[] {
  const seen = new Set<string>();
  return names.map((n, i) => {
    let out = dns(n, max);
    if (seen.has(out)) out = `${dns(n, max - 3)}-${i}`;
    seen.add(out);
    return out;
  });
}

/** CPU and memory of the manifest's requiredResources, as our quantities. */
function resourcesOf(r: AppManifest['requiredResources']): Component['resources'] {
  const pool = (r.applicationResources as { cpuPool?: { numCPU: number; memory: number } } | undefined)?.cpuPool;
  const cpu = pool ? pool.numCPU : r.numCPU;
  const memory = pool ? pool.memory : r.memory;
  return {
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory: `${memory}Mi` } : {}),
  };
}

/**
 * The Application a manifest stands for. `file://` image paths run as processes (the command is the path),
 * HELM as kubernetes, every other package as a container image. Each component asks for the manifest's
 * resources; external interfaces are exposed ports.
 */
export function applicationOf(manifest: AppManifest, id: string, namespace: string): Application {
  const names = uniqueNames(
    manifest.componentSpec.map((c) => c.componentName),
    63,
  );
  const path = manifest.appRepo.imagePath;
  const isFile = path.startsWith('file://');
  const runtime = isFile ? 'process' : manifest.packageType === 'HELM' ? 'kubernetes' : 'container';
  const image = path.replace(/^[a-z]+:\/\//, '');
  const { credentials: _secret, ...repo } = manifest.appRepo;
  const stored = { ...manifest, appRepo: repo };
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: {
      name: appObjectName(id),
      namespace,
      labels: { [LABEL_APP]: id },
      annotations: { [ANNOTATION_MANIFEST]: JSON.stringify(stored) },
    },
    spec: {
      description: `CAMARA app ${manifest.name} ${manifest.version} of ${manifest.appProvider}`.slice(0, 4096),
      components: manifest.componentSpec.map((c, i) => {
        const ports = uniqueNames(
          c.networkInterfaces.map((n) => n.interfaceId),
          15,
        );
        return {
          name: names[i],
          runtime,
          artifact: isFile ? { command: decodeURIComponent(new URL(path).pathname) } : { image },
          resources: resourcesOf(manifest.requiredResources),
          ports: c.networkInterfaces.map((n, j) => ({
            name: ports[j],
            ...(runtime === 'process' ? {} : { port: n.port }),
            protocol: 'TCP' as const,
            expose: n.visibilityType === 'VISIBILITY_EXTERNAL',
          })),
        };
      }),
    },
  } as unknown as Application;
}

/** The CAMARA AppManifestInfo of a stored Application (undefined for Applications not made through CAMARA). */
export function appInfo(app: Application): (Record<string, unknown> & { appId: string; name: string }) | undefined {
  const id = app.metadata.labels?.[LABEL_APP];
  const raw = app.metadata.annotations?.[ANNOTATION_MANIFEST];
  if (!id || !raw) return undefined;
  // The annotation is writable through the native API: anything unreadable is "not a CAMARA app", never a 500.
  try {
    const manifest = JSON.parse(raw) as unknown;
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return undefined;
    return { ...(manifest as Record<string, unknown> & { name: string }), appId: id };
  } catch {
    return undefined;
  }
}

/** The Application of an app id in a namespace, or 404. */
export async function appById(deps: CamaraDeps, namespace: string, id: string, field: string): Promise<Application> {
  const app = (await deps.store.get(ApplicationKind, namespace, appObjectName(id))) as Application | undefined;
  if (!app || !appInfo(app)) throw new ApiError('NotFound', `app ${id} not found`, [{ field, message: 'no such app' }]);
  return app;
}

export function appRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  const config = { access: { kind: 'handler' as const } };
  app.post(
    `${EAM_BASE}/apps`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const ns = tenantOf(req);
      await allow(deps, req, 'create', ApplicationKind, ns);
      const manifest = checkBody<AppManifest>(APP_MANIFEST, req.body);
      const existing = (await deps.store.list(ApplicationKind, { namespace: ns })).items as Application[];
      const twin = existing
        .map(appInfo)
        .find(
          (i) => i?.name === manifest.name && i.appProvider === manifest.appProvider && i.version === manifest.version,
        );
      if (twin)
        throw new ApiError('AlreadyExists', `app ${manifest.name} ${manifest.version} already exists`, [
          { field: 'body.name', message: `already submitted as ${twin.appId}` },
        ]);
      const id = randomUUID();
      const obj = applicationOf(manifest, id, ns);
      await allow(deps, req, 'create', ApplicationKind, ns, obj.metadata.name);
      await deps.store.create(ApplicationKind, obj);
      return answer(req, reply, 201, { appId: id }, { location: `${EAM_BASE}/apps/${id}` });
    }),
  );
  app.get(
    `${EAM_BASE}/apps`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const ns = tenantOf(req);
      await allow(deps, req, 'list', ApplicationKind, ns);
      const items = (await deps.store.list(ApplicationKind, { namespace: ns })).items as Application[];
      const infos = items.map(appInfo).filter((i) => i !== undefined);
      return answer(req, reply, 200, infos.slice(0, 100));
    }),
  );
  app.get(
    `${EAM_BASE}/apps/:appId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const { appId } = req.params as { appId: string };
      checkId(appId, 'appId');
      const ns = tenantOf(req);
      await allow(deps, req, 'get', ApplicationKind, ns, appObjectName(appId));
      return answer(req, reply, 200, appInfo(await appById(deps, ns, appId, 'appId')));
    }),
  );
  app.delete(
    `${EAM_BASE}/apps/:appId`,
    { config },
    camara(async (req, reply) => {
      onlyQuery(req, []);
      const { appId } = req.params as { appId: string };
      checkId(appId, 'appId');
      const ns = tenantOf(req);
      const name = appObjectName(appId);
      await allow(deps, req, 'delete', ApplicationKind, ns, name);
      await appById(deps, ns, appId, 'appId');
      await allow(deps, req, 'list', DeploymentKind, ns);
      const users = (await deps.store.list(DeploymentKind, { namespace: ns })).items.filter(
        (d) => (d.spec as { application: string }).application === name,
      );
      if (users.length)
        throw new ApiError('IncompatibleState', `app ${appId} has ${users.length} instance(s); delete them first`, [
          { field: 'appId', message: 'app has running instances' },
        ]);
      const last = await deps.store.delete(ApplicationKind, ns, name);
      return answer(req, reply, last.metadata.deletionTimestamp ? 202 : 204);
    }),
  );
}
