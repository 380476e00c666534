// Turns an Application and a Deployment into a PlacementRequest: merged requirements, overrides, replicas per area.
import { allowedRuntimes, mebibytes, milliCpu } from '../model/index.js';
import type {
  ApplicationSpec,
  Component,
  DeploymentSpec,
  Requirements,
  Resources,
  Toleration,
} from '../model/index.js';
import type { Amounts, LatencyBound, PlacementRequest, ReplicaGroup, RequestComponent } from './types.js';

/** Requested when a component states no resources (and assumed for such workloads in snapshots). */
export const DEFAULT_REQUEST: Resources = Object.freeze({ cpu: '100m', memory: '128Mi' });

/** Canonical amounts of a Resources object; a missing object means DEFAULT_REQUEST. */
export function toAmounts(r: Resources | undefined): Amounts {
  const res = r ?? DEFAULT_REQUEST;
  return { cpu: mc(res.cpu), memory: mib(res.memory), gpu: res.gpu ?? 0, storage: mib(res.storage) };
}

/** Millicores / MiB of an optional quantity; absent is 0. */
export const mc = (q: number | string | undefined): number => (q === undefined ? 0 : milliCpu(q));
export const mib = (q: number | string | undefined): number => (q === undefined ? 0 : mebibytes(q));

type Layer = Requirements | undefined;

/**
 * Merges requirement layers, later over earlier (application < component < deployment): scalars and
 * each field of the nested objects are overridden, provider `attributes` merge by key, tolerations
 * accumulate. Latency is not merged here (see resolveLatency): it depends on which component a layer targets.
 */
export function mergeRequirements(...layers: Layer[]): Requirements {
  const out: Requirements = {};
  const tolerations: Toleration[] = [];
  const seen = new Set<string>();
  for (const l of layers) {
    if (!l) continue;
    if (l.jurisdiction) out.jurisdiction = { ...out.jurisdiction, ...l.jurisdiction };
    if (l.providerAttributes) {
      const attributes = { ...out.providerAttributes?.attributes, ...l.providerAttributes.attributes };
      out.providerAttributes = { ...out.providerAttributes, ...l.providerAttributes };
      if (Object.keys(attributes).length > 0) out.providerAttributes.attributes = attributes;
    }
    if (l.categories) out.categories = { ...out.categories, ...l.categories };
    if (l.spread) out.spread = { ...out.spread, ...l.spread };
    if (l.weights) out.weights = { ...out.weights, ...l.weights };
    if (l.maxPricePerHour !== undefined) out.maxPricePerHour = l.maxPricePerHour;
    if (l.maxCarbonIntensity !== undefined) out.maxCarbonIntensity = l.maxCarbonIntensity;
    for (const t of l.tolerations ?? []) {
      const k = JSON.stringify([t.key, t.operator, t.value, t.effect, t.tolerationSeconds]);
      if (!seen.has(k)) {
        seen.add(k);
        tolerations.push(t);
      }
    }
  }
  if (tolerations.length > 0) out.tolerations = tolerations;
  return out;
}

/** Components with a user-facing port; all of them when none has one. */
export function exposedComponents(app: ApplicationSpec): Set<string> {
  const exposed = app.components.filter((c) => c.ports?.some((p) => p.expose));
  return new Set((exposed.length > 0 ? exposed : app.components).map((c) => c.name));
}

/**
 * Latency bounds per area for one component. Application- and deployment-level entries target the
 * named component, or the exposed components when none is named; component-level entries target
 * their own component. A later layer replaces an earlier one's bound for the same area; within one
 * layer the tighter bound wins.
 */
export function resolveLatency(
  app: ApplicationSpec,
  dep: DeploymentSpec,
  component: Component,
  exposed: Set<string>,
): Map<string, number> {
  const result = new Map<string, number>();
  const targets = (named: string | undefined): boolean =>
    named === undefined ? exposed.has(component.name) : named === component.name;
  const layers: { entries: Requirements['latency']; own: boolean }[] = [
    { entries: app.requirements?.latency, own: false },
    { entries: component.requirements?.latency, own: true },
    { entries: dep.requirements?.latency, own: false },
  ];
  for (const { entries, own } of layers) {
    const layer = new Map<string, number>();
    for (const e of entries ?? []) {
      if (!own && !targets(e.component)) continue;
      layer.set(e.area, Math.min(layer.get(e.area) ?? Infinity, e.maxMs));
    }
    for (const [area, ms] of layer) result.set(area, ms);
  }
  return result;
}

/**
 * Builds the request for a Deployment of an Application. Replicas of a component in an area are
 * `overrides[c].replicas ?? area.replicas ?? component.replicas ?? 1`; with no areas there is one
 * area-less group of `overrides[c].replicas ?? component.replicas ?? 1`. A latency requirement whose
 * area is one of the deployment's areas binds the replicas serving that area only; one whose area is
 * not (or when the deployment has no areas) binds every replica of the components it targets.
 */
export function buildRequest(
  namespace: string,
  name: string,
  app: ApplicationSpec,
  dep: DeploymentSpec,
): PlacementRequest {
  const exposed = exposedComponents(app);
  const areas = dep.areas ?? [];
  const areaNames = new Set(areas.map((a) => a.area));
  const components: RequestComponent[] = app.components.map((c) => {
    const override = dep.overrides?.[c.name];
    const merged = mergeRequirements(app.requirements, c.requirements, dep.requirements);
    const latency = resolveLatency(app, dep, c, exposed);
    const everywhere: LatencyBound[] = [...latency]
      .filter(([a]) => !areaNames.has(a))
      .map(([area, maxMs]) => ({ area, maxMs }));
    const groups: ReplicaGroup[] =
      areas.length === 0
        ? [{ replicas: override?.replicas ?? c.replicas ?? 1, latency: everywhere }]
        : areas.map((a) => ({
            area: a.area,
            replicas: override?.replicas ?? a.replicas ?? c.replicas ?? 1,
            latency: [...(latency.has(a.area) ? [{ area: a.area, maxMs: latency.get(a.area)! }] : []), ...everywhere],
          }));
    const resources = override?.resources
      ? { ...(c.resources ?? DEFAULT_REQUEST), ...override.resources }
      : c.resources;
    const gpuModel = override?.resources?.gpuModel ?? c.resources?.gpuModel;
    const pinned = dep.placement?.pinned?.[c.name];
    const { latency: _dropped, tolerations, ...requirements } = merged;
    return {
      name: c.name,
      runtime: allowedRuntimes(c)[0]!,
      runtimes: allowedRuntimes(c),
      resources: toAmounts(resources),
      ...(gpuModel !== undefined ? { gpuModel } : {}),
      requirements,
      tolerations: tolerations ?? [],
      groups,
      ...(pinned !== undefined ? { pinnedSite: pinned } : {}),
      exposed: exposed.has(c.name),
    };
  });
  return { namespace, name, components, ...(dep.placement?.seed !== undefined ? { seed: dep.placement.seed } : {}) };
}
