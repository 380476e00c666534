// Public surface of the application gateway: its routes, path rules, nearest-replica routing and identity header.
export { gatewayRoutes, sendUpstream, type GatewayOptions } from './routes.js';
export { AREA_HEADER, GATEWAY_PREFIX, parseGatewayPath, type GatewayPath } from './plan.js';
export { upstreamTarget, type UpstreamTarget } from './upstream.js';
export { rankCandidates, areaOfAddress, siteAllowsHost, unroutable, EQUAL_RTT_MS, type Candidate } from './routing.js';
export {
  GATEWAY_KEYS_PATH,
  IDENTITY_HEADER,
  IDENTITY_ISSUER,
  IDENTITY_TTL_SECONDS,
  GatewayIdentity,
} from './identity.js';
export { GatewayAudit, type GatewayAuditOptions, type GatewayRequestFact } from './audit.js';
export { cidrContains, parseCidr, parseIp } from './cidr.js';
export { admitWorkloadStatus } from './admission.js';
