// Registers the Ticket kind: a fault (an SLO out of budget) with its diagnosis, actions and time to detect/recover.
import { Type, type Static } from 'typebox';
import { Conditions, Name, registerKind, type Resource } from '../../model/index.js';

const Line = Type.String({ maxLength: 512 });

export const TicketSpec = Type.Object(
  {
    /** The object at fault. */
    subject: Type.Object({ kind: Type.String({ maxLength: 63 }), name: Name }, { additionalProperties: false }),
    summary: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type TicketSpec = Static<typeof TicketSpec>;

export const TicketStatus = Type.Object(
  {
    phase: Type.Optional(Type.Union([Type.Literal('Open'), Type.Literal('Resolved')])),
    /** First observation of the fault (the first unready sample). */
    faultStartedAt: Type.Optional(Type.String()),
    detectedAt: Type.Optional(Type.String()),
    resolvedAt: Type.Optional(Type.String()),
    timeToDetectSeconds: Type.Optional(Type.Number({ minimum: 0 })),
    /** Replicas there were when the fault was detected; recovered once as many are Ready and none is not. */
    replicasExpected: Type.Optional(Type.Integer({ minimum: 0 })),
    timeToRecoverSeconds: Type.Optional(Type.Number({ minimum: 0 })),
    diagnosis: Type.Optional(
      Type.Object(
        {
          affectedTenants: Type.Array(Name, { maxItems: 64 }),
          unready: Type.Array(Line, { maxItems: 64 }),
          recentEvents: Type.Array(Line, { maxItems: 20 }),
          recentChanges: Type.Array(Line, { maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Remediation steps taken, oldest first. */
    actions: Type.Optional(Type.Array(Line, { maxItems: 64 })),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type TicketStatus = Static<typeof TicketStatus>;

export const TicketKind = registerKind({
  kind: 'Ticket',
  plural: 'tickets',
  singular: 'ticket',
  shortNames: [],
  namespaced: true,
  spec: TicketSpec,
  status: TicketStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'SUBJECT', path: 'spec.subject.name' },
    { name: 'PHASE', path: 'status.phase' },
    { name: 'TTD(S)', path: 'status.timeToDetectSeconds' },
    { name: 'TTR(S)', path: 'status.timeToRecoverSeconds' },
    { name: 'SUMMARY', path: 'spec.summary', wide: true },
  ],
  selectableFields: ['status.phase'],
  description: 'A fault opened automatically (SLO out of budget) with diagnosis, actions taken and time to recover.',
});

export type Ticket = Resource<TicketSpec, TicketStatus>;
