// Registers the SLO kind: an availability objective of one Deployment over a rolling window, with a remediation.
import { Type, type Static } from 'typebox';
import { Conditions, Name, registerKind, type Resource } from '../../model/index.js';

export const SLO_REMEDIATIONS = ['none', 'restart'] as const;
export type SloRemediation = (typeof SLO_REMEDIATIONS)[number];

export const SloSpec = Type.Object(
  {
    /** The Deployment (same namespace) the objective is about. */
    deployment: Name,
    /** Share of replica-time the replicas are Ready, in percent (e.g. 99.9). */
    availability: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 }),
    /** Rolling window the objective and its error budget are evaluated over. */
    windowSeconds: Type.Integer({ minimum: 10, maximum: 30 * 86_400 }),
    /** What is done once the budget is spent: restart deletes the unready replicas (the deployment replaces them). */
    remediation: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('restart')])),
    /** Least time between two remediations (default 60 s). */
    cooldownSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type SloSpec = Static<typeof SloSpec>;

export const SloStatus = Type.Object(
  {
    /** Measured availability over the window so far, percent with 3 decimals. */
    availability: Type.Optional(Type.Number()),
    /** Error budget left, whole percent (0-100); written only when the whole percent changes. */
    budgetRemaining: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    /** When the last remediation was carried out and how many so far. */
    lastRemediation: Type.Optional(Type.String()),
    remediations: Type.Optional(Type.Integer({ minimum: 0 })),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type SloStatus = Static<typeof SloStatus>;

export const SloKind = registerKind({
  kind: 'SLO',
  plural: 'slos',
  singular: 'slo',
  shortNames: [],
  namespaced: true,
  spec: SloSpec,
  status: SloStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'DEPLOYMENT', path: 'spec.deployment' },
    { name: 'OBJECTIVE', path: 'spec.availability' },
    { name: 'AVAILABILITY', path: 'status.availability' },
    { name: 'BUDGET', path: 'status.budgetRemaining' },
    { name: 'REMEDIATION', path: 'spec.remediation', wide: true },
  ],
  selectableFields: ['spec.deployment'],
  description: 'An availability objective of a Deployment over a rolling window; its error budget and remediation.',
});

export type Slo = Resource<SloSpec, SloStatus>;
