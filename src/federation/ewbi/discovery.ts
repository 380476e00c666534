// EWBI wire schemas of edge discovery (candidate zones) and roaming device authentication.
import { Type, type Static } from 'typebox';
import { AppIdentifier, AppProviderId, GeoLocation, ServiceEndpoint, ZoneIdentifier } from './common.js';

export const ClientLocation = Type.Object(
  {
    geo_location: Type.Optional(GeoLocation),
    rad_location: Type.Optional(
      Type.Array(
        Type.Object({
          carrier: Type.Enum(['5G', 'LTE']),
          mcc: Type.Integer({ minimum: 1, maximum: 999 }),
          mnc: Type.Integer({ minimum: 1, maximum: 999 }),
          cellId: Type.Integer(),
          areaCode: Type.Optional(Type.Integer()),
        }),
      ),
    ),
  },
  { minProperties: 1 },
);
export type ClientLocation = Static<typeof ClientLocation>;

export const CandidateZonesRequest = Type.Object({
  appProviderId: AppProviderId,
  appId: AppIdentifier,
  edgeDiscoveryFilters: Type.Optional(Type.Object({ location: Type.Optional(ClientLocation) }, { minProperties: 1 })),
});
export type CandidateZonesRequest = Static<typeof CandidateZonesRequest>;

/** GetCandidateZones response. */
export const DiscoveredEdgeNodes = Type.Array(
  Type.Object({ zoneId: ZoneIdentifier, latencyServiceEndPoints: ServiceEndpoint }),
  { minItems: 1 },
);
export type DiscoveredEdgeNodes = Static<typeof DiscoveredEdgeNodes>;
