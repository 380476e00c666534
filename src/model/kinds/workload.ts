// Workload: one replica of one component bound to one site; the unit a site agent runs.
import { Type, type Static } from 'typebox';
import { Conditions, Name } from '../meta.js';
import { Toleration } from './common.js';
import { Component } from './application.js';

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

/**
 * What a Workload runs, taken from the Component it is a replica of: one definition, so the limits of the
 * two kinds cannot drift apart (the deployment controller copies these fields from the Component).
 */
export const WORKLOAD_RUN_FIELDS = [
  'runtime',
  'artifact',
  'ports',
  'resources',
  'env',
  'healthCheck',
  'restartPolicy',
] as const;
const ComponentRun = Type.Pick(Component, WORKLOAD_RUN_FIELDS);

/** The Component's run fields plus where the replica belongs (deployment, slot) and where it is bound (siteName). */
export const WorkloadSpec = Type.Object(
  {
    deployment: Type.Optional(Name),
    application: Type.Optional(Name),
    component: Name,
    replica: Type.Optional(Type.Integer({ minimum: 0 })),
    area: Type.Optional(Type.String()),
    /** The site the workload is bound to; empty means not yet scheduled. */
    siteName: Type.Optional(Name),
    ...ComponentRun.properties,
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
