// EWBI wire schemas of federation management: create, read, update, and the partner status callback.
import { Type, type Static } from 'typebox';
import {
  CallbackCredentials,
  CountryCode,
  DateTime,
  FederationContextId,
  FederationIdentifier,
  FixedNetworkIds,
  MobileNetworkIds,
  ServiceEndpoint,
  Status,
  Uri,
  ZoneDetails,
  ZoneIdentifier,
} from './common.js';

export const FederationRequestData = Type.Object({
  origOPFederationId: FederationIdentifier,
  origOPCountryCode: Type.Optional(CountryCode),
  origOPMobileNetworkCodes: Type.Optional(MobileNetworkIds),
  origOPFixedNetworkCodes: Type.Optional(FixedNetworkIds),
  initialDate: DateTime,
  partnerStatusLink: Uri,
  partnerCallbackCredentials: Type.Optional(CallbackCredentials),
});
export type FederationRequestData = Static<typeof FederationRequestData>;

export const PLATFORM_CAPS = ['homeRouting', 'Anchoring'] as const;

export const FederationResponseData = Type.Object({
  partnerOPFederationId: FederationIdentifier,
  partnerOPCountryCode: Type.Optional(CountryCode),
  federationContextId: FederationContextId,
  edgeDiscoveryServiceEndPoint: Type.Optional(ServiceEndpoint),
  lcmServiceEndPoint: Type.Optional(ServiceEndpoint),
  partnerOPMobileNetworkCodes: Type.Optional(MobileNetworkIds),
  partnerOPFixedNetworkCodes: Type.Optional(FixedNetworkIds),
  offeredAvailabilityZones: Type.Optional(Type.Array(ZoneDetails, { minItems: 1 })),
  platformCaps: Type.Array(Type.Enum([...PLATFORM_CAPS])),
});
export type FederationResponseData = Static<typeof FederationResponseData>;

/** Body of GetFederationDetails and UpdateFederation responses. */
export const FederationDetails = Type.Object({
  edgeDiscoveryServiceEndPoint: ServiceEndpoint,
  lcmServiceEndPoint: ServiceEndpoint,
  allowedMobileNetworkIds: Type.Optional(MobileNetworkIds),
  allowedFixedNetworkIds: Type.Optional(FixedNetworkIds),
  offeredAvailabilityZones: Type.Optional(Type.Array(ZoneDetails, { minItems: 1 })),
});
export type FederationDetails = Static<typeof FederationDetails>;

export const UpdateFederationRequest = Type.Object({
  objectType: Type.Enum(['MOBILE_NETWORK_CODES', 'FIXED_NETWORK_CODES']),
  operationType: Type.Enum(['ADD_CODES', 'REMOVE_CODES', 'UPDATE_CODES']),
  addMobileNetworkIds: Type.Optional(MobileNetworkIds),
  removeMobileNetworkIds: Type.Optional(MobileNetworkIds),
  addFixedNetworkIds: Type.Optional(FixedNetworkIds),
  removeFixedNetworkIds: Type.Optional(FixedNetworkIds),
  modificationDate: DateTime,
});
export type UpdateFederationRequest = Static<typeof UpdateFederationRequest>;

export const PARTNER_OBJECT_TYPES = [
  'FEDERATION',
  'ZONES',
  'EDGE_DISCOVERY_SERVICE',
  'LCM_SERVICE',
  'MOBILE_NETWORK_CODES',
  'FIXED_NETWORK_CODES',
] as const;

/** Body the partner POSTs to the originator's partnerStatusLink. */
export const PartnerStatusNotification = Type.Object({
  federationContextId: FederationContextId,
  objectType: Type.Enum([...PARTNER_OBJECT_TYPES]),
  operationType: Type.Enum(['STATUS', 'UPDATE', 'ADD', 'REMOVE']),
  edgeDiscoverySvcEndPoint: Type.Optional(ServiceEndpoint),
  lcmSvcEndPoint: Type.Optional(ServiceEndpoint),
  addMobileNetworkIds: Type.Optional(MobileNetworkIds),
  removeMobileNetworkIds: Type.Optional(MobileNetworkIds),
  addFixedNetworkIds: Type.Optional(FixedNetworkIds),
  removeFixedNetworkIds: Type.Optional(FixedNetworkIds),
  addZones: Type.Optional(Type.Array(ZoneDetails, { minItems: 1 })),
  removeZones: Type.Optional(Type.Array(ZoneIdentifier, { minItems: 1 })),
  zoneStatus: Type.Optional(Type.Array(Type.Object({ zoneId: ZoneIdentifier, status: Status }), { minItems: 1 })),
  federationStatus: Type.Optional(Status),
  modificationDate: DateTime,
});
export type PartnerStatusNotification = Static<typeof PartnerStatusNotification>;
