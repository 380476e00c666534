// EWBI wire schemas of the application instance lifecycle: install, read, list, and the instance callback.
import { Type, type Static } from 'typebox';
import {
  AccessPointInfo,
  AppIdentifier,
  AppProviderId,
  DateTime,
  FederationContextId,
  FlavourId,
  InstanceIdentifier,
  InstanceState,
  LABEL,
  Uri,
  ZoneIdentifier,
} from './common.js';

export const RESOURCE_CONSUMPTION = [
  'RESERVED_RES_SHALL',
  'RESERVED_RES_PREFER',
  'RESERVED_RES_AVOID',
  'RESERVED_RES_FORBID',
] as const;

export const InstallAppRequest = Type.Object({
  appInstanceId: InstanceIdentifier,
  appId: AppIdentifier,
  appVersion: Type.String(),
  appProviderId: AppProviderId,
  zoneInfo: Type.Object({
    zoneId: ZoneIdentifier,
    flavourId: FlavourId,
    resourceConsumption: Type.Optional(Type.Enum([...RESOURCE_CONSUMPTION])),
    resPool: Type.Optional(Type.String({ pattern: LABEL })),
  }),
  appInstCallbackLink: Uri,
});
export type InstallAppRequest = Static<typeof InstallAppRequest>;

/** GetAppInstanceDetails response. */
export const AppInstanceDetails = Type.Object(
  { appInstanceState: Type.Optional(InstanceState), accessPointInfo: Type.Optional(AccessPointInfo) },
  { minProperties: 1 },
);
export type AppInstanceDetails = Static<typeof AppInstanceDetails>;

/** GetAllAppInstances response. */
export const AppInstanceList = Type.Array(
  Type.Object({
    zoneId: ZoneIdentifier,
    appInstanceInfo: Type.Array(
      Type.Object({ appInstIdentifier: InstanceIdentifier, appInstanceState: InstanceState }),
      { minItems: 1 },
    ),
  }),
  { minItems: 1 },
);
export type AppInstanceList = Static<typeof AppInstanceList>;

/**
 * Body the partner POSTs to appInstCallbackLink. The two spec definitions spell the access points
 * `accessPointInfo` and `accesspointInfo`; the partner sends both, receivers accept either (ADR 0018).
 */
export const AppInstNotification = Type.Object({
  federationContextId: Type.Optional(FederationContextId),
  appId: AppIdentifier,
  appInstanceId: InstanceIdentifier,
  zoneId: ZoneIdentifier,
  appInstanceInfo: Type.Object(
    {
      appInstanceState: Type.Optional(InstanceState),
      message: Type.Optional(Type.String()),
      accessPointInfo: Type.Optional(AccessPointInfo),
      accesspointInfo: Type.Optional(AccessPointInfo),
    },
    { minProperties: 1 },
  ),
  modificationDate: Type.Optional(DateTime),
});
export type AppInstNotification = Static<typeof AppInstNotification>;
