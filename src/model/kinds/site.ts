// Site: one place with compute (a rack, an edge node pool, a data centre) run by one provider.
import { Type, type Static } from 'typebox';

/** Set by `continuum site drain` (with spec.unschedulable): the site's workloads are moved elsewhere, one at a time. */
export const SITE_DRAIN_ANNOTATION = 'continuum.eu/drain';
/**
 * Set by `continuum site fail`: the site counts as failed at once (Ready=False, reason SimulatedFailure); inside
 * `continuum up` its embedded agent also stops (no lease renewals, its workloads stop) until `site recover`.
 */
export const SITE_FAIL_ANNOTATION = 'continuum.eu/simulated-failure';
/** On a Site standing for a partner's zone: the Federation it is reached through (placement explains "via"). */
export const SITE_FEDERATION_LABEL = 'continuum.eu/federation';
import { Conditions, Name } from '../meta.js';
import { CategorySchema, CIDR_PATTERN, Location, Resources, RuntimeSchema, Taint } from './common.js';

export const PriceList = Type.Object(
  {
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    /** Price per core-hour. */
    cpuHour: Type.Optional(Type.Number({ minimum: 0 })),
    /** Price per GiB-hour of memory. */
    memoryGiBHour: Type.Optional(Type.Number({ minimum: 0 })),
    gpuHour: Type.Optional(Type.Number({ minimum: 0 })),
    storageGiBHour: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type PriceList = Static<typeof PriceList>;

export const SiteSpec = Type.Object(
  {
    provider: Name,
    category: CategorySchema,
    location: Location,
    capacity: Resources,
    /** What may be allocated to workloads; defaults to capacity. */
    allocatable: Type.Optional(Resources),
    gpuModel: Type.Optional(Type.String({ maxLength: 64 })),
    runtimes: Type.Optional(Type.Array(RuntimeSchema, { minItems: 1, uniqueItems: true })),
    power: Type.Optional(
      Type.Object(
        {
          capacityKW: Type.Optional(Type.Number({ minimum: 0 })),
          pue: Type.Optional(Type.Number({ minimum: 1, maximum: 5 })),
          renewableShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    pricing: Type.Optional(PriceList),
    taints: Type.Optional(Type.Array(Taint, { maxItems: 32 })),
    /** Maintenance: no new workloads are placed here. */
    unschedulable: Type.Optional(Type.Boolean()),
    /**
     * Addresses (CIDRs) where this site's workloads answer. The gateway forwards only to endpoints on these;
     * when unset, only to the host the site's agent registered (status.agent.address).
     */
    workloadNetworks: Type.Optional(
      Type.Array(Type.String({ maxLength: 64, pattern: CIDR_PATTERN }), { minItems: 1, maxItems: 32 }),
    ),
  },
  { additionalProperties: false },
);
export type SiteSpec = Static<typeof SiteSpec>;

/** One runtime kind as the site's agent found it at start: available, or why not (written by the agent only). */
export const SiteRuntimeStatus = Type.Object(
  {
    name: RuntimeSchema,
    available: Type.Boolean(),
    /** Why the runtime is not available (e.g. "podman not found"); set only when available is false. */
    reason: Type.Optional(Type.String({ maxLength: 1024 })),
    /** What detection found about an available runtime, e.g. which limits it cannot enforce. */
    message: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type SiteRuntimeStatus = Static<typeof SiteRuntimeStatus>;

export const SiteStatus = Type.Object(
  {
    conditions: Type.Optional(Conditions),
    lastHeartbeatTime: Type.Optional(Type.String()),
    /** Capacity the agent measured or declared. */
    allocatable: Type.Optional(Resources),
    allocated: Type.Optional(Resources),
    agent: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String()),
          version: Type.Optional(Type.String()),
          driver: Type.Optional(Type.String()),
          hostname: Type.Optional(Type.String()),
          address: Type.Optional(Type.String()),
          connectedSince: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    /** Measured round-trip times in ms to other sites, keyed by site name. */
    latencyMs: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }))),
    energy: Type.Optional(
      Type.Object(
        { powerW: Type.Optional(Type.Number({ minimum: 0 })), measuredAt: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    workloads: Type.Optional(Type.Integer({ minimum: 0 })),
    /**
     * Every runtime kind, as the agent detected it at start. Placement offers a site the available ones
     * (within spec.runtimes when that is set); a site without this list is judged by spec.runtimes alone.
     */
    runtimes: Type.Optional(Type.Array(SiteRuntimeStatus, { maxItems: 16 })),
    /** Free-text report from the agent, e.g. what happened while disconnected. */
    message: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export type SiteStatus = Static<typeof SiteStatus>;
