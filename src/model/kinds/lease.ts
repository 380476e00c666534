// Lease: a time-bounded claim (leader election among control-plane replicas).
import { Type, type Static } from 'typebox';

export const LeaseSpec = Type.Object(
  {
    holderIdentity: Type.Optional(Type.String({ maxLength: 256 })),
    leaseDurationSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    acquireTime: Type.Optional(Type.String()),
    renewTime: Type.Optional(Type.String()),
    leaseTransitions: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type LeaseSpec = Static<typeof LeaseSpec>;
export const LeaseStatus = Type.Object({}, { additionalProperties: false });
export type LeaseStatus = Static<typeof LeaseStatus>;
