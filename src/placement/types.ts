// Data shapes of the placement engine: the immutable snapshot, the request, options and the decision.
import type {
  Assignment,
  Category,
  ComponentExplanation,
  DeploymentStatus,
  Requirements,
  RuntimeKind,
  ScorerWeightName,
  Taint,
  Toleration,
} from '../model/index.js';
import type { CarbonSource } from '../sustainability/index.js';
import type { SiteIndex } from './site-index.js';

/** Resource amounts in canonical units: cpu millicores, memory MiB, gpu count, storage MiB. */
export interface Amounts {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
  readonly storage: number;
}

/** A site's price list, every field filled (missing ones take the reference prices). */
export interface Pricing {
  readonly currency: string;
  /** Per core-hour. */
  readonly cpuHour: number;
  readonly memoryGiBHour: number;
  readonly gpuHour: number;
  readonly storageGiBHour: number;
}

/** One site as given to `createSnapshot`. */
export interface SiteInput {
  name: string;
  provider: string;
  category: Category;
  country: string;
  city?: string;
  latitude: number;
  longitude: number;
  allocatable: Amounts;
  /** Already taken by workloads; defaults to nothing. */
  allocated?: Amounts;
  gpuModel?: string;
  /** Runtime kinds the site runs; defaults to ['process']. */
  runtimes?: readonly RuntimeKind[];
  taints?: readonly Taint[];
  /** Maintenance: no new placements. */
  unschedulable?: boolean;
  /** Ready condition; defaults to true. */
  ready?: boolean;
  pricing?: Partial<Pricing>;
  /** Power usage effectiveness; defaults by category. */
  pue?: number;
  /** The federation a partner's zone is reached through. */
  via?: string;
}

/** A site inside a snapshot: normalised, frozen, with derived fields the pipeline uses. */
export interface SnapshotSite {
  readonly index: number;
  readonly name: string;
  readonly provider: string;
  /** Index into snapshot.providers, -1 when the provider is unknown. */
  readonly providerIndex: number;
  readonly category: Category;
  readonly country: string;
  readonly city?: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly allocatable: Amounts;
  readonly allocated: Amounts;
  readonly gpuModel?: string;
  readonly runtimes: readonly RuntimeKind[];
  /** Bit i set when RUNTIMES[i] is supported. */
  readonly runtimeMask: number;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly ready: boolean;
  /** Ready, schedulable and without NoSchedule/NoExecute taints: needs no toleration. */
  readonly clean: boolean;
  readonly pricing: Pricing;
  readonly pue: number;
  /** Grid gCO2/kWh of the site's country. */
  readonly gridIntensity: number;
  /** True when the carbon source has no figure for the country and its fallback (the EU-27 average) was assumed. */
  readonly gridIntensityAssumed?: boolean;
  /** Grid intensity × PUE. */
  readonly carbonIntensity: number;
  /** Stable hash of the name, for seeded tie-breaks. */
  readonly hash: number;
  /** The federation a partner's zone is reached through. */
  readonly via?: string;
}

export interface ProviderInput {
  name: string;
  headquartersCountry: string;
  certifications?: readonly string[];
  attributes?: Readonly<Record<string, string>>;
  federated?: boolean;
}

export interface SnapshotProvider {
  readonly index: number;
  readonly name: string;
  readonly headquartersCountry: string;
  readonly certifications: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly federated: boolean;
}

export interface AreaInput {
  name: string;
  latitude: number;
  longitude: number;
  country?: string;
  displayName?: string;
}

export interface SnapshotArea {
  readonly index: number;
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly country?: string;
  /** What explanations call it (display name, else name). */
  readonly label: string;
}

/** Round-trip time in ms between users in `area` and `site`. */
export type LatencyFn = (area: SnapshotArea, site: SnapshotSite) => number;

/**
 * How far the index may trust geometry to bound latency:
 * 'model' — latency is exactly topology's modelRttMs (tight bounds);
 * 'physics' — latency is never below light in fibre over the great circle (2·km / 200 km/ms), true of measurements;
 * 'none' — no geometric bound (no latency pruning; still correct, slower).
 */
export type LatencyBoundKind = 'model' | 'physics' | 'none';

export interface SnapshotInput {
  sites: readonly SiteInput[];
  providers: readonly ProviderInput[];
  areas: readonly AreaInput[];
  /** Area→site latency; defaults to the topology model with bound 'model'. */
  latency?: { fn: LatencyFn; bound: LatencyBoundKind };
  /** Grid intensity per country; defaults to the bundled 2020 table. */
  carbon?: CarbonSource;
  /** When the snapshot was taken (ISO time); informational, never read by decisions. */
  takenAt?: string;
  /** Index tuning: sites per leaf cell. */
  leafSize?: number;
}

/** An immutable view of the continuum that decisions are made against. */
export interface Snapshot {
  readonly sites: readonly SnapshotSite[];
  readonly providers: readonly SnapshotProvider[];
  readonly areas: readonly SnapshotArea[];
  readonly takenAt?: string;
  readonly latencyBound: LatencyBoundKind;
  readonly carbonSource: string;
  readonly index: SiteIndex;
  siteByName(name: string): SnapshotSite | undefined;
  providerByName(name: string): SnapshotProvider | undefined;
  areaByName(name: string): SnapshotArea | undefined;
  latencyMs(area: SnapshotArea, site: SnapshotSite): number;
}

/** A latency bound that every replica of a group must meet. */
export interface LatencyBound {
  readonly area: string;
  readonly maxMs: number;
}

/** Replicas of one component serving one area of service (or no area). */
export interface ReplicaGroup {
  readonly area?: string;
  readonly replicas: number;
  /** Bounds from every user area these replicas serve. */
  readonly latency: readonly LatencyBound[];
}

export interface RequestComponent {
  readonly name: string;
  /** The preferred runtime (the first of `runtimes`). */
  readonly runtime: RuntimeKind;
  /** Every runtime the component allows, in preference order (absent: just `runtime`). */
  readonly runtimes?: readonly RuntimeKind[];
  readonly resources: Amounts;
  /** Required accelerator model, when the component needs a specific one. */
  readonly gpuModel?: string;
  /** Merged requirements (application < component < deployment); latency is resolved into groups. */
  readonly requirements: Requirements;
  readonly tolerations: readonly Toleration[];
  readonly groups: readonly ReplicaGroup[];
  /** Hard pin to one site by name. */
  readonly pinnedSite?: string;
  /** Has a user-facing port. */
  readonly exposed: boolean;
}

/** A replica of the deployment that already runs (or is starting) and keeps its site in this decision. */
export interface ExistingReplica {
  readonly component: string;
  readonly site: string;
  readonly area?: string;
}

export interface PlacementRequest {
  readonly namespace: string;
  /** Deployment name. */
  readonly name: string;
  readonly components: readonly RequestComponent[];
  /**
   * Replicas of the same deployment placed earlier that stay where they are (incremental placement:
   * failover, scale-up, rolling update). Cross-replica constraints (spread) count them exactly like the
   * replicas of this decision; their load is already in the snapshot, so capacity does not count them again.
   */
  readonly existing?: readonly ExistingReplica[];
  /** The deployment's own seed, used when place() is not given one. */
  readonly seed?: number;
}

/** A weighted scorer's name: the Application schema's list, which the scorer registry is held to. */
export type ScorerName = ScorerWeightName;
export type Weights = Readonly<Record<ScorerName, number>>;

/** Checks a site against data-location policy for a component; a string is the rejection reason. */
export interface DataLocalityHook {
  check(input: { namespace: string; component: RequestComponent; site: SnapshotSite }): string | undefined;
}

/** Checks a tenant's quota before a replica lands on a site; a string is the rejection reason. */
export interface QuotaHook {
  check(input: {
    namespace: string;
    component: RequestComponent;
    site: SnapshotSite;
    placed: Amounts;
  }): string | undefined;
}

export interface PlacementHooks {
  dataLocality?: DataLocalityHook;
  quota?: QuotaHook;
}

/** Resources one decision takes on one site. */
export interface SiteUsage extends Amounts {
  readonly site: string;
}

export interface Decision {
  readonly namespace: string;
  readonly name: string;
  readonly seed: number;
  /** One per placed replica, shaped like the Deployment status' Assignment. */
  readonly assignments: Assignment[];
  /** One per component and area, shaped like ComponentExplanation. */
  readonly explanation: ComponentExplanation[];
  /** Replicas that found no site, as "component/replica" or "component/replica@area". */
  readonly unplaced: string[];
  /** Sum of the assignments' hourly prices (in the sites' currency; mixed currencies are not converted). */
  readonly totalPricePerHour: number;
  /** Σ (100 − score + TIER_PENALTY × preference tier) over assignments + UNPLACED_PENALTY per unplaced replica; lower is better (score includes penalties). */
  readonly objective: number;
  /** Per-site totals this decision takes, for reservations. */
  readonly usage: SiteUsage[];
}

/** The `status.placement` block of a Deployment. */
export type DeploymentPlacementStatus = NonNullable<DeploymentStatus['placement']>;

export type { Assignment, ComponentExplanation };
