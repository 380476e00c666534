// Public surface of the CAMARA northbound: Edge Application Management and Edge Discovery routes over native kinds.
import type { FastifyInstance } from 'fastify';
import { appRoutes } from './apps.js';
import type { CamaraDeps } from './context.js';
import { deploymentRoutes } from './deployments.js';
import { discoveryRoutes } from './discovery.js';
import { instanceRoutes } from './instances.js';
import { zoneRoutes } from './zones.js';

export { camaraErrorInfo, isCamaraPath, CAMARA_PREFIXES } from './errors.js';
export { EAM_BASE, toZone, zoneIdOf } from './zones.js';
export { NAMESPACE_HEADER } from './context.js';
export { ANNOTATION_NAI_DOMAINS, ANNOTATION_PHONE_PREFIXES, OED_BASE, SED_BASE } from './discovery.js';

/** Mounts every CAMARA operation on the API server (each route's handler authorizes against RBAC). */
export function camaraRoutes(app: FastifyInstance, deps: CamaraDeps): void {
  appRoutes(app, deps);
  instanceRoutes(app, deps);
  deploymentRoutes(app, deps);
  zoneRoutes(app, deps);
  discoveryRoutes(app, deps);
}
