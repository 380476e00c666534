// EWBI wire schemas of zone synchronisation: subscribe, zone data, and the zone resource callback.
import { Type, type Static } from 'typebox';
import { ComputeResourceInfo, FederationContextId, Flavour, Uri, ZoneIdentifier } from './common.js';

export const ZoneRegistrationRequestData = Type.Object({
  acceptedAvailabilityZones: Type.Array(ZoneIdentifier, { minItems: 1 }),
  availZoneNotifLink: Uri,
});
export type ZoneRegistrationRequestData = Static<typeof ZoneRegistrationRequestData>;

export const NetworkResources = Type.Object({
  egressBandWidth: Type.Integer(),
  dedicatedNIC: Type.Integer(),
  supportSriov: Type.Boolean(),
  supportDPDK: Type.Boolean(),
});

export const ZoneRegisteredData = Type.Object({
  zoneId: ZoneIdentifier,
  reservedComputeResources: Type.Array(ComputeResourceInfo, { minItems: 1 }),
  computeResourceQuotaLimits: Type.Array(ComputeResourceInfo, { minItems: 1 }),
  flavoursSupported: Type.Array(Flavour, { minItems: 1 }),
  networkResources: Type.Optional(NetworkResources),
});
export type ZoneRegisteredData = Static<typeof ZoneRegisteredData>;

export const ZoneRegistrationResponseData = Type.Object({
  acceptedZoneResourceInfo: Type.Array(ZoneRegisteredData, { minItems: 1 }),
});
export type ZoneRegistrationResponseData = Static<typeof ZoneRegistrationResponseData>;

/** Body the partner POSTs to the originator's availZoneNotifLink. */
export const ZoneResourceNotification = Type.Object({
  federationContextId: FederationContextId,
  zoneId: ZoneIdentifier,
  zoneResUpdInfo: Type.Array(
    Type.Object(
      {
        availableCompResources: Type.Optional(Type.Array(ComputeResourceInfo, { minItems: 1 })),
        availableNetResources: Type.Optional(
          Type.Object(
            {
              egressBandWidth: Type.Optional(Type.Integer()),
              dedicatedNIC: Type.Optional(Type.Integer()),
              supportSriov: Type.Optional(Type.Boolean()),
              supportDPDK: Type.Optional(Type.Boolean()),
            },
            { minProperties: 1 },
          ),
        ),
      },
      { minProperties: 1 },
    ),
  ),
});
export type ZoneResourceNotification = Static<typeof ZoneResourceNotification>;
