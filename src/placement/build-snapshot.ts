// Builds a Snapshot from stored resource objects: sites, providers, user areas and the workloads bound to sites.
import { getCondition, mebibytes, milliCpu, SITE_FEDERATION_LABEL } from '../model/index.js';
import type {
  ProviderSpec,
  RuntimeKind,
  ProviderStatus,
  Resource,
  Resources,
  SiteSpec,
  SiteStatus,
  UserAreaSpec,
  WorkloadSpec,
  WorkloadStatus,
} from '../model/index.js';
import type { CarbonSource } from '../sustainability/index.js';
import { addInto } from './defaults.js';
import type { MutableAmounts } from './defaults.js';
import { mc, mib, toAmounts } from './request.js';
import { createSnapshot } from './snapshot.js';
import type { Amounts, LatencyBoundKind, LatencyFn, SiteInput, Snapshot } from './types.js';

export interface BuildSnapshotInput {
  sites: readonly Resource<SiteSpec, SiteStatus>[];
  providers: readonly Resource<ProviderSpec, ProviderStatus>[];
  areas: readonly Resource<UserAreaSpec, unknown>[];
  workloads: readonly Resource<WorkloadSpec, WorkloadStatus>[];
  /** The caller's clock; recorded as takenAt and used for heartbeat staleness only. */
  now: Date | string;
  /** When set, a site whose last heartbeat is older than this counts as not ready even if its condition says Ready. */
  heartbeatTimeoutSeconds?: number;
  carbon?: CarbonSource;
  /** Defaults to the topology model (modelRttMs), which the index bounds exactly. */
  latency?: { fn: LatencyFn; bound: LatencyBoundKind };
}

/** Whether a workload still holds its site's resources: everything but Terminated, and Failed with restartPolicy Never. */
export function holdsResources(w: Resource<WorkloadSpec, WorkloadStatus>): boolean {
  const phase = w.status?.phase;
  if (phase === 'Terminated') return false;
  if (phase === 'Failed' && w.spec.restartPolicy === 'Never') return false;
  return true;
}

/** Declared allocatable (per dimension, else capacity), lowered to what the agent measured when it reports less. */
export function effectiveAllocatable(spec: SiteSpec, status: SiteStatus | undefined): Amounts {
  const declared = (k: keyof Resources): number | string | undefined => spec.allocatable?.[k] ?? spec.capacity[k];
  const measured = status?.allocatable;
  const pick = (d: number, m: number | undefined): number => (m === undefined ? d : Math.min(d, m));
  const opt = <T>(v: T | undefined, f: (v: T) => number): number | undefined => (v === undefined ? undefined : f(v));
  return {
    cpu: pick(mc(declared('cpu')), opt(measured?.cpu, milliCpu)),
    memory: pick(mib(declared('memory')), opt(measured?.memory, mebibytes)),
    gpu: pick(Number(declared('gpu') ?? 0), measured?.gpu),
    storage: pick(mib(declared('storage')), opt(measured?.storage, mebibytes)),
  };
}

/**
 * The runtime kinds a site offers: those its agent detected as available (status.runtimes), within
 * spec.runtimes when the admin set it. A site whose agent has not reported yet offers spec.runtimes,
 * else process (the runtime every agent has).
 */
export function offeredRuntimes(spec: SiteSpec, status: SiteStatus | undefined): RuntimeKind[] {
  const detected = status?.runtimes;
  if (!detected) return [...(spec.runtimes ?? ['process'])];
  const available = detected.filter((r) => r.available).map((r) => r.name);
  return spec.runtimes ? available.filter((r) => spec.runtimes!.includes(r)) : available;
}

/**
 * Snapshot of the stored world. allocated = sum of the resources of workloads bound to the site
 * (spec.siteName) that still hold them; a workload without resources counts as DEFAULT_REQUEST, as
 * placement assumes. Ready = condition Ready is "True" (and a fresh heartbeat when a timeout is given).
 * Sites being deleted take no new work. Objects are read, never modified.
 */
export function buildSnapshot(input: BuildSnapshotInput): Snapshot {
  const nowIso = typeof input.now === 'string' ? input.now : input.now.toISOString();
  const nowMs = Date.parse(nowIso);
  const allocated = new Map<string, MutableAmounts>();
  for (const w of input.workloads) {
    const site = w.spec.siteName;
    if (!site || !holdsResources(w)) continue;
    let a = allocated.get(site);
    if (!a) allocated.set(site, (a = { cpu: 0, memory: 0, gpu: 0, storage: 0 }));
    addInto(a, toAmounts(w.spec.resources));
  }
  const sites: SiteInput[] = input.sites.map((s) => {
    const spec = s.spec;
    let ready = getCondition(s.status?.conditions, 'Ready')?.status === 'True';
    if (ready && input.heartbeatTimeoutSeconds !== undefined) {
      const beat = s.status?.lastHeartbeatTime ? Date.parse(s.status.lastHeartbeatTime) : NaN;
      ready = Number.isFinite(beat) && nowMs - beat <= input.heartbeatTimeoutSeconds * 1000;
    }
    return {
      name: s.metadata.name,
      provider: spec.provider,
      category: spec.category,
      country: spec.location.country,
      ...(spec.location.city !== undefined ? { city: spec.location.city } : {}),
      latitude: spec.location.latitude,
      longitude: spec.location.longitude,
      allocatable: effectiveAllocatable(spec, s.status),
      allocated: allocated.get(s.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0 },
      ...(spec.gpuModel !== undefined ? { gpuModel: spec.gpuModel } : {}),
      runtimes: offeredRuntimes(spec, s.status),
      taints: spec.taints ?? [],
      unschedulable: (spec.unschedulable ?? false) || s.metadata.deletionTimestamp !== undefined,
      ready,
      ...(spec.pricing ? { pricing: spec.pricing } : {}),
      ...(spec.power?.pue !== undefined ? { pue: spec.power.pue } : {}),
      ...(s.metadata.labels?.[SITE_FEDERATION_LABEL] ? { via: s.metadata.labels[SITE_FEDERATION_LABEL] } : {}),
    };
  });
  return createSnapshot({
    sites,
    providers: input.providers.map((p) => ({
      name: p.metadata.name,
      headquartersCountry: p.spec.headquarters.country,
      certifications: p.spec.certifications ?? [],
      attributes: p.spec.attributes ?? {},
      federated: p.spec.federated ?? false,
    })),
    areas: input.areas.map((a) => ({
      name: a.metadata.name,
      latitude: a.spec.location.latitude,
      longitude: a.spec.location.longitude,
      country: a.spec.location.country,
      ...(a.spec.displayName !== undefined
        ? { displayName: a.spec.displayName }
        : a.spec.location.city !== undefined
          ? { displayName: a.spec.location.city }
          : {}),
    })),
    takenAt: nowIso,
    ...(input.carbon ? { carbon: input.carbon } : {}),
    ...(input.latency ? { latency: input.latency } : {}),
  });
}
