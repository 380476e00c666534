// EWBI wire schemas of ISV resource pools: reserve, view, update, and the reservation callback.
import { Type, type Static } from 'typebox';
import {
  AppProviderId,
  DateTime,
  FederationContextId,
  FlavourId,
  PoolId,
  PoolName,
  ResourceReservationDuration,
  Uri,
  ZoneIdentifier,
} from './common.js';

export const CreateResourcePoolsRequest = Type.Object({
  resRequest: Type.Object({
    poolId: PoolId,
    poolName: PoolName,
    flavours: Type.Array(
      Type.Object({
        flavourId: FlavourId,
        numFlavour: Type.Integer(),
        minNumOfFlavours: Type.Optional(Type.Integer()),
      }),
      { minItems: 1 },
    ),
    reserveDuration: ResourceReservationDuration,
  }),
  resourceReservationCallbackLink: Uri,
});
export type CreateResourcePoolsRequest = Static<typeof CreateResourcePoolsRequest>;

/** ViewISVResPool response. */
export const ResourcePoolList = Type.Array(
  Type.Object({
    poolName: PoolName,
    reservedPoolId: PoolId,
    reservedFlavours: Type.Array(Type.Object({ flavourId: FlavourId, count: Type.Integer() }), { minItems: 1 }),
    reserveDuration: Type.Optional(ResourceReservationDuration),
    reservationTime: Type.Optional(DateTime),
  }),
);
export type ResourcePoolList = Static<typeof ResourcePoolList>;

export const UpdateResourcePoolRequest = Type.Array(
  Type.Object({
    updateType: Type.Enum(['ADD', 'REMOVE', 'DURATION']),
    flavourId: FlavourId,
    count: Type.Integer(),
    reserveDuration: Type.Optional(ResourceReservationDuration),
  }),
);
export type UpdateResourcePoolRequest = Static<typeof UpdateResourcePoolRequest>;

export const GrantedFlavours = Type.Array(Type.Object({ flavourId: FlavourId, numFlavour: Type.Integer() }), {
  minItems: 1,
});

/** Body the partner POSTs to resourceReservationCallbackLink. */
export const ResourceReservationNotification = Type.Object({
  federationContextId: FederationContextId,
  zoneId: ZoneIdentifier,
  appProviderId: AppProviderId,
  poolId: PoolId,
  grantedFlavours: GrantedFlavours,
});
export type ResourceReservationNotification = Static<typeof ResourceReservationNotification>;
