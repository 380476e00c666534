// Desired replica slots of a Deployment and the Workload each slot should run (with a template hash).
import { createHash } from 'node:crypto';
import type { ApplicationSpec, Component, DeploymentSpec, EnvVar, WorkloadSpec } from '../../model/index.js';
import { allowedRuntimes } from '../../model/index.js';

export const LABEL_DEPLOYMENT = 'continuum.eu/deployment';
export const LABEL_COMPONENT = 'continuum.eu/component';
export const LABEL_SLOT = 'continuum.eu/slot';
export const LABEL_HASH = 'continuum.eu/template-hash';

/** One replica position: component × area × index. Survives failovers and rolling updates. */
export interface Slot {
  component: string;
  area?: string;
  /** Index within (component, area). */
  index: number;
  /** Label value identifying the slot. */
  id: string;
}

export function desiredSlots(app: ApplicationSpec, dep: DeploymentSpec): Slot[] {
  const slots: Slot[] = [];
  for (const c of app.components) {
    const override = dep.overrides?.[c.name];
    const groups = dep.areas?.length
      ? dep.areas.map((a) => ({
          area: a.area as string | undefined,
          replicas: override?.replicas ?? a.replicas ?? c.replicas ?? 1,
        }))
      : [{ area: undefined, replicas: override?.replicas ?? c.replicas ?? 1 }];
    for (const g of groups) {
      for (let i = 0; i < g.replicas; i++)
        slots.push({ component: c.name, area: g.area, index: i, id: `${c.name}.${g.area ?? 'any'}.${i}` });
    }
  }
  return slots;
}

/** The env var a connection sets: explicit, else "<TO>_URL". */
export const connectionEnv = (to: string, env?: string): string => env ?? `${to.toUpperCase().replace(/-/g, '_')}_URL`;

/** Workload spec for a component (site and resolved connection env supplied by the caller). */
export function workloadSpec(
  depName: string,
  appName: string,
  c: Component,
  dep: DeploymentSpec,
  slot: Slot,
  connectionEnvs: EnvVar[],
): Omit<WorkloadSpec, 'siteName'> {
  const override = dep.overrides?.[c.name];
  const env = new Map<string, EnvVar>();
  for (const e of [...(c.env ?? []), ...(override?.env ?? []), ...connectionEnvs]) env.set(e.name, e);
  const resources = c.resources || override?.resources ? { ...c.resources, ...override?.resources } : undefined;
  const tolerations = [...(c.requirements?.tolerations ?? []), ...(dep.requirements?.tolerations ?? [])];
  return {
    deployment: depName,
    application: appName,
    component: c.name,
    replica: slot.index,
    ...(slot.area ? { area: slot.area } : {}),
    // The preferred runtime; the replica gets the one its site offers when it is bound (Assignment.runtime).
    runtime: allowedRuntimes(c)[0]!,
    artifact: c.artifact,
    ...(c.ports ? { ports: c.ports } : {}),
    ...(resources ? { resources } : {}),
    ...(env.size ? { env: [...env.values()] } : {}),
    ...(c.healthCheck ? { healthCheck: c.healthCheck } : {}),
    restartPolicy: c.restartPolicy ?? 'Always',
    ...(tolerations.length ? { tolerations } : {}),
  };
}

/** Stable digest of what a workload runs; a different hash means the workload must be replaced. */
export function templateHash(spec: Omit<WorkloadSpec, 'siteName'>): string {
  return createHash('sha256').update(stableJson(spec)).digest('hex').slice(0, 10);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Deterministic workload name for (slot, template, site): repeating a decision cannot create a duplicate. */
/**
 * `DEP-COMPONENT[-AREA]-INDEX-HASH`, at most 63 characters: replicas of different areas are told apart by name
 * (`shop-web-zurich-0-…`, `shop-web-london-0-…`); the hash makes each (slot, template, site) distinct.
 */
export function workloadName(dep: string, slot: Slot, hash: string, site: string): string {
  const h = createHash('sha256').update(`${slot.id}|${hash}|${site}`).digest('hex').slice(0, 6);
  const trim = (x: string, n: number): string => x.slice(0, n).replace(/-+$/, '');
  const area = slot.area ? `-${trim(slot.area, 16)}` : '';
  const tail = `${area}-${slot.index}-${h}`;
  return `${trim(`${dep}-${slot.component}`, 63 - tail.length)}${tail}`;
}
