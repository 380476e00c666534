// Lease: a time-bounded claim (leader election among control-plane replicas, site agents' liveness).
import { Type, type Static } from 'typebox';

/** Site liveness (KEP-589 style): the agent of site S renews the cluster-scoped Lease `site-S`. */
export const SITE_LEASE_PREFIX = 'site-';
export const siteLeaseName = (site: string): string => `${SITE_LEASE_PREFIX}${site}`;
/** The site a Lease is the liveness lease of, or undefined for other leases. */
export const siteOfLease = (lease: string): string | undefined =>
  lease.startsWith(SITE_LEASE_PREFIX) ? lease.slice(SITE_LEASE_PREFIX.length) : undefined;

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
