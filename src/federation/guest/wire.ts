// Reading the partner's EWBI answers into the Federation's status (defensively: the partner is another party).
import type { FederationZone } from './kinds.js';
import { vcpuQuantity } from './zones.js';

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const str = (v: unknown, max = 1024): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);

/** A ZoneDetails entry (offeredAvailabilityZones, addZones) → FederationZone; undefined when unusable. */
export function offeredZoneOf(z: unknown): FederationZone | undefined {
  if (!z || typeof z !== 'object') return undefined;
  const o = z as Record<string, unknown>;
  const zoneId = str(o.zoneId, 63);
  if (!zoneId || !LABEL.test(zoneId)) return undefined;
  const geolocation = str(o.geolocation, 64);
  const geographyDetails = str(o.geographyDetails);
  return { zoneId, ...(geolocation ? { geolocation } : {}), ...(geographyDetails ? { geographyDetails } : {}) };
}

/** A ZoneRegisteredData entry → the reserved resources and flavours of a zone. */
export function acceptedZoneOf(z: unknown): Pick<FederationZone, 'zoneId' | 'reserved' | 'flavours'> | undefined {
  if (!z || typeof z !== 'object') return undefined;
  const o = z as Record<string, unknown>;
  const zoneId = str(o.zoneId, 63);
  if (!zoneId) return undefined;
  const flavours = (Array.isArray(o.flavoursSupported) ? o.flavoursSupported : [])
    .map((f) => str((f as { flavourId?: unknown } | null)?.flavourId, 128))
    .filter((f): f is string => !!f)
    .slice(0, 64);
  const res = (Array.isArray(o.reservedComputeResources) ? o.reservedComputeResources : [])[0] as
    { numCPU?: unknown; memory?: unknown } | undefined;
  const cpu = vcpuQuantity(res?.numCPU);
  const mem =
    typeof res?.memory === 'number' && Number.isInteger(res.memory) && res.memory > 0 ? res.memory : undefined;
  return { zoneId, flavours, ...(cpu && mem ? { reserved: { cpu, memory: `${mem}Mi` } } : {}) };
}
