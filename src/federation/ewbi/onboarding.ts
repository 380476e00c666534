// EWBI wire schemas of application onboarding: onboard, update, view, zones, zone lock, status callback.
import { Type, type Static } from 'typebox';
import { AppComponentSpecs, AppMetaData, AppQoSProfile, LATENCY_CONSTRAINTS, MULTI_USER } from './app.js';
import { AppIdentifier, AppProviderId, ArtefactId, FederationContextId, LABEL, Uri, ZoneIdentifier } from './common.js';

export const OnboardApplicationRequest = Type.Object({
  appId: AppIdentifier,
  appProviderId: AppProviderId,
  appDeploymentZones: Type.Optional(Type.Array(ZoneIdentifier, { minItems: 1 })),
  appMetaData: AppMetaData,
  appQoSProfile: AppQoSProfile,
  appComponentSpecs: AppComponentSpecs,
  appStatusCallbackLink: Uri,
});
export type OnboardApplicationRequest = Static<typeof OnboardApplicationRequest>;

/**
 * UpdateApplication body. The spec's anyOf names a misspelt `latencyConstraint`; both spellings satisfy it
 * here (ADR 0018), the value is read from `latencyConstraints`.
 */
export const UpdateApplicationRequest = Type.Object(
  {
    appUpdQoSProfile: Type.Optional(
      Type.Object(
        {
          latencyConstraints: Type.Optional(Type.Enum([...LATENCY_CONSTRAINTS])),
          latencyConstraint: Type.Optional(Type.Enum([...LATENCY_CONSTRAINTS])),
          bandwidthRequired: Type.Optional(Type.Integer({ minimum: 1 })),
          mobilitySupport: Type.Optional(Type.Boolean()),
          multiUserClients: Type.Optional(Type.Enum([...MULTI_USER])),
          noOfUsersPerAppInst: Type.Optional(Type.Integer()),
          appProvisioning: Type.Optional(Type.Boolean()),
        },
        {
          anyOf: [
            { required: ['latencyConstraint'] },
            { required: ['latencyConstraints'] },
            { required: ['bandwidthRequired'] },
            { required: ['mobilitySupport'] },
            { required: ['multiUserClients'] },
            { required: ['appProvisioning'] },
          ],
        },
      ),
    ),
    appComponentSpecs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            serviceNameNB: Type.Optional(Type.String({ pattern: LABEL })),
            serviceNameEW: Type.Optional(Type.String({ pattern: LABEL })),
            componentName: Type.String({ pattern: LABEL }),
            artefactId: Type.Optional(ArtefactId),
          },
          { anyOf: [{ required: ['serviceNameNB'] }, { required: ['serviceNameEW'] }, { required: ['artefactId'] }] },
        ),
        { minItems: 1 },
      ),
    ),
  },
  { minProperties: 1 },
);
export type UpdateApplicationRequest = Static<typeof UpdateApplicationRequest>;

/** ViewApplication response. */
export const ApplicationDetails = Type.Object({
  appId: AppIdentifier,
  appProviderId: AppProviderId,
  appDeploymentZones: Type.Array(ZoneIdentifier, { minItems: 1 }),
  appMetaData: AppMetaData,
  appQoSProfile: AppQoSProfile,
  appComponentSpecs: AppComponentSpecs,
});
export type ApplicationDetails = Static<typeof ApplicationDetails>;

/** OnboardExistingAppNewZones body. */
export const AdditionalZonesRequest = Type.Array(ZoneIdentifier, { minItems: 1 });
export type AdditionalZonesRequest = Static<typeof AdditionalZonesRequest>;

/** LockUnlockApplicationZone body; items are checked here although the spec leaves them open (ADR 0018). */
export const ZoneForbidRequest = Type.Array(Type.Object({ zoneId: ZoneIdentifier, forbid: Type.Boolean() }), {
  minItems: 1,
});
export type ZoneForbidRequest = Static<typeof ZoneForbidRequest>;

export const ONBOARD_STATUSES = ['PENDING', 'ONBOARDED', 'DEBOARDING', 'REMOVED', 'FAILED'] as const;
export type OnboardStatus = (typeof ONBOARD_STATUSES)[number];

/**
 * Body the partner POSTs to appStatusCallbackLink. The partner always sends `federationContextId` (required
 * by the per-operation callback); receivers accept it missing (the top-level definition drops it).
 */
export const AppStatusNotification = Type.Object({
  federationContextId: Type.Optional(FederationContextId),
  appId: AppIdentifier,
  statusInfo: Type.Array(Type.Object({ zoneId: ZoneIdentifier, onboardStatusInfo: Type.Enum([...ONBOARD_STATUSES]) }), {
    minItems: 1,
  }),
});
export type AppStatusNotification = Static<typeof AppStatusNotification>;
