// Deployment: one running instance of an Application, with areas of service and the placement outcome.
import { Type, type Static } from 'typebox';
import { Conditions, Name } from '../meta.js';
import { ComponentResources, EnvVar, RuntimeSchema } from './common.js';
import { Requirements } from './application.js';

export const AreaOfService = Type.Object(
  { area: Name, replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) },
  { additionalProperties: false },
);

export const DeploymentSpec = Type.Object(
  {
    application: Name,
    /** Where users are. Each area gets its own replicas (default: one area-less placement). */
    areas: Type.Optional(Type.Array(AreaOfService, { maxItems: 64 })),
    overrides: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
        Type.Object(
          {
            replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
            resources: Type.Optional(ComponentResources),
            env: Type.Optional(Type.Array(EnvVar, { maxItems: 256 })),
          },
          { additionalProperties: false },
        ),
        { additionalProperties: false },
      ),
    ),
    /** Requirements merged over the Application's. */
    requirements: Type.Optional(Requirements),
    placement: Type.Optional(
      Type.Object(
        {
          seed: Type.Optional(Type.Integer({ minimum: 0 })),
          pinned: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    paused: Type.Optional(Type.Boolean()),
    /**
     * When and how long it runs, for carbon-aware placement: the carbon scorer uses each site's forecast mean over
     * [now, now + expectedDurationSeconds] (default one hour); with a `deadline` the Deployment is a deferrable
     * batch run that starts in the greenest window that still ends by the deadline (ADR 0022).
     */
    schedule: Type.Optional(
      Type.Object(
        {
          expectedDurationSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 31 * 86_400 })),
          deadline: Type.Optional(
            Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DeploymentSpec = Static<typeof DeploymentSpec>;

export const Assignment = Type.Object(
  {
    component: Type.String(),
    replica: Type.Integer({ minimum: 0 }),
    area: Type.Optional(Type.String()),
    site: Type.String(),
    /** The runtime the replica runs on there: the first of the component's allowed runtimes the site offers. */
    runtime: Type.Optional(RuntimeSchema),
    provider: Type.Optional(Type.String()),
    /** The Federation the site is reached through, when it is a partner's zone. */
    via: Type.Optional(Type.String()),
    score: Type.Optional(Type.Number()),
    scores: Type.Optional(Type.Record(Type.String(), Type.Number())),
    latencyMs: Type.Optional(Type.Number()),
    pricePerHour: Type.Optional(Type.Number()),
    carbonIntensity: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type Assignment = Static<typeof Assignment>;

export const ComponentExplanation = Type.Object(
  {
    component: Type.String(),
    area: Type.Optional(Type.String()),
    candidates: Type.Integer(),
    feasible: Type.Integer(),
    /** Rejected site counts per filter. */
    rejected: Type.Record(Type.String(), Type.Integer()),
    /** One readable reason per filter, e.g. "5 over 10 ms from madrid". */
    reasons: Type.Array(Type.String()),
    summary: Type.String(),
  },
  { additionalProperties: false },
);
export type ComponentExplanation = Static<typeof ComponentExplanation>;

export const DeploymentStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer()),
    phase: Type.Optional(
      Type.Union([
        Type.Literal('Pending'),
        Type.Literal('Placing'),
        Type.Literal('Deploying'),
        Type.Literal('Running'),
        Type.Literal('Degraded'),
        Type.Literal('Failed'),
        Type.Literal('Terminating'),
      ]),
    ),
    /** A deferrable run's chosen start (kept for the generation) and the arithmetic behind it. */
    schedule: Type.Optional(
      Type.Object(
        {
          plannedStart: Type.String(),
          message: Type.String(),
          observedGeneration: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    placement: Type.Optional(
      Type.Object(
        {
          decidedAt: Type.Optional(Type.String()),
          seed: Type.Optional(Type.Integer()),
          assignments: Type.Array(Assignment),
          explanation: Type.Array(ComponentExplanation),
          unplaced: Type.Optional(Type.Array(Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    components: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String(),
            phase: Type.String(),
            replicas: Type.Integer(),
            ready: Type.Integer(),
            sites: Type.Optional(Type.Array(Type.String())),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    endpoints: Type.Optional(
      Type.Array(
        Type.Object(
          {
            component: Type.String(),
            port: Type.Optional(Type.String()),
            area: Type.Optional(Type.String()),
            site: Type.Optional(Type.String()),
            url: Type.String(),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    /** Running cost this month (UTC), rated from usage records by the cost controller (src/controllers/cost). */
    cost: Type.Optional(
      Type.Object(
        { period: Type.String(), amount: Type.Number(), currency: Type.String(), asOf: Type.String() },
        { additionalProperties: false },
      ),
    ),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type DeploymentStatus = Static<typeof DeploymentStatus>;
