// Workload: one replica of one component bound to one site; the unit a site agent runs.
import { Type, type Static } from 'typebox';
import { Conditions, Name } from '../meta.js';
import { EnvVar, Resources, RuntimeSchema, Toleration } from './common.js';
import { Artifact, HealthCheck, Port } from './application.js';

export const WORKLOAD_PHASES = [
  'Pending',
  'Scheduled',
  'Starting',
  'Running',
  'Failed',
  'Terminating',
  'Terminated',
] as const;
export type WorkloadPhase = (typeof WORKLOAD_PHASES)[number];

export const WorkloadSpec = Type.Object(
  {
    deployment: Type.Optional(Name),
    application: Type.Optional(Name),
    component: Name,
    replica: Type.Optional(Type.Integer({ minimum: 0 })),
    area: Type.Optional(Type.String()),
    /** The site the workload is bound to; empty means not yet scheduled. */
    siteName: Type.Optional(Name),
    runtime: Type.Optional(RuntimeSchema),
    artifact: Artifact,
    ports: Type.Optional(Type.Array(Port, { maxItems: 16 })),
    resources: Type.Optional(Resources),
    env: Type.Optional(Type.Array(EnvVar, { maxItems: 512 })),
    healthCheck: Type.Optional(HealthCheck),
    restartPolicy: Type.Optional(
      Type.Union([Type.Literal('Always'), Type.Literal('OnFailure'), Type.Literal('Never')]),
    ),
    tolerations: Type.Optional(Type.Array(Toleration, { maxItems: 32 })),
    terminationGracePeriodSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type WorkloadSpec = Static<typeof WorkloadSpec>;

export const WorkloadStatus = Type.Object(
  {
    phase: Type.Optional(
      Type.Union([
        Type.Literal('Pending'),
        Type.Literal('Scheduled'),
        Type.Literal('Starting'),
        Type.Literal('Running'),
        Type.Literal('Failed'),
        Type.Literal('Terminating'),
        Type.Literal('Terminated'),
      ]),
    ),
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Optional(Conditions),
    siteName: Type.Optional(Type.String()),
    startedAt: Type.Optional(Type.String()),
    restarts: Type.Optional(Type.Integer({ minimum: 0 })),
    pid: Type.Optional(Type.Integer()),
    host: Type.Optional(Type.String()),
    /** Allocated host ports by port name. */
    ports: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    url: Type.Optional(Type.String()),
    message: Type.Optional(Type.String({ maxLength: 4096 })),
    exitCode: Type.Optional(Type.Integer()),
    /** Whether cgroup limits are really enforced on this host. */
    limits: Type.Optional(
      Type.Object(
        { cpu: Type.Boolean(), memory: Type.Boolean(), reason: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type WorkloadStatus = Static<typeof WorkloadStatus>;
