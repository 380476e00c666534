// The EWBI operation table: method, path, request and response schema of every partner operation and callback.
import type { TSchema } from 'typebox';
import { ArtefactDetails, ArtefactStatusNotification, FileDetails, FileStatusNotification } from './artefacts.js';
import { UploadArtefactRequest, UploadFileRequest } from './artefacts.js';
import { CandidateZonesRequest, DiscoveredEdgeNodes } from './discovery.js';
import { FederationDetails, FederationRequestData, FederationResponseData } from './federation.js';
import { PartnerStatusNotification, UpdateFederationRequest } from './federation.js';
import { AppInstanceDetails, AppInstanceList, AppInstNotification, InstallAppRequest } from './lcm.js';
import { AdditionalZonesRequest, ApplicationDetails, AppStatusNotification } from './onboarding.js';
import { OnboardApplicationRequest, UpdateApplicationRequest, ZoneForbidRequest } from './onboarding.js';
import { CreateResourcePoolsRequest, ResourcePoolList, ResourceReservationNotification } from './pools.js';
import { UpdateResourcePoolRequest } from './pools.js';
import { ZoneRegisteredData, ZoneRegistrationRequestData, ZoneRegistrationResponseData } from './zones.js';
import { ZoneResourceNotification } from './zones.js';

/** Path prefix of every EWBI operation (GSMA OPG.04). */
export const EWBI_PREFIX = '/operatorplatform/federation/v1';

/** OAuth2 token endpoint of a control plane, under the prefix (ADR 0018). */
export const EWBI_TOKEN_PATH = `${EWBI_PREFIX}/oauth2/token`;

/** The one OAuth2 scope a partner token carries (ADR 0018). */
export const EWBI_SCOPE = 'fed-mgmt';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface EwbiOperation {
  /** operationId in the spec. */
  id: string;
  method: HttpMethod;
  /** Path template under EWBI_PREFIX, `{name}` for parameters. */
  path: string;
  /** Request body schema; undefined when the operation has no body. */
  request?: TSchema;
  /** The body is multipart/form-data (object parts JSON-encoded). */
  multipart?: boolean;
  /** Success status code. */
  status: 200 | 202 | 204;
  /** Success response body schema; undefined when the success response has no body. */
  response?: TSchema;
}

const op = (o: EwbiOperation): EwbiOperation => o;
const fed = '/{federationContextId}';
const onb = `${fed}/application/onboarding/app/{appId}`;
const pool = `${fed}/isv/resource/zone/{zoneId}/appProvider/{appProviderId}`;

/** Every operation the partner (host) side serves. */
export const PARTNER_OPERATIONS: readonly EwbiOperation[] = [
  op({
    id: 'CreateFederation',
    method: 'POST',
    path: '/partner',
    request: FederationRequestData,
    status: 200,
    response: FederationResponseData,
  }),
  op({ id: 'GetFederationDetails', method: 'GET', path: `${fed}/partner`, status: 200, response: FederationDetails }),
  op({
    id: 'UpdateFederation',
    method: 'PATCH',
    path: `${fed}/partner`,
    request: UpdateFederationRequest,
    status: 200,
    response: FederationDetails,
  }),
  op({ id: 'DeleteFederationDetails', method: 'DELETE', path: `${fed}/partner`, status: 200 }),
  op({
    id: 'ZoneSubscribe',
    method: 'POST',
    path: `${fed}/zones`,
    request: ZoneRegistrationRequestData,
    status: 200,
    response: ZoneRegistrationResponseData,
  }),
  op({ id: 'ZoneUnsubscribe', method: 'DELETE', path: `${fed}/zones/{zoneId}`, status: 200 }),
  op({ id: 'GetZoneData', method: 'GET', path: `${fed}/zones/{zoneId}`, status: 200, response: ZoneRegisteredData }),
  op({
    id: 'UploadArtefact',
    method: 'POST',
    path: `${fed}/artefact`,
    request: UploadArtefactRequest,
    multipart: true,
    status: 200,
  }),
  op({
    id: 'GetArtefact',
    method: 'GET',
    path: `${fed}/artefact/{artefactId}`,
    status: 200,
    response: ArtefactDetails,
  }),
  op({ id: 'RemoveArtefact', method: 'DELETE', path: `${fed}/artefact/{artefactId}`, status: 200 }),
  op({
    id: 'UploadFile',
    method: 'POST',
    path: `${fed}/files`,
    request: UploadFileRequest,
    multipart: true,
    status: 200,
  }),
  op({ id: 'RemoveFile', method: 'DELETE', path: `${fed}/files/{fileId}`, status: 200 }),
  op({ id: 'ViewFile', method: 'GET', path: `${fed}/files/{fileId}`, status: 200, response: FileDetails }),
  op({
    id: 'OnboardApplication',
    method: 'POST',
    path: `${fed}/application/onboarding`,
    request: OnboardApplicationRequest,
    status: 202,
  }),
  op({ id: 'DeleteApp', method: 'DELETE', path: onb, status: 200 }),
  op({ id: 'UpdateApplication', method: 'PATCH', path: onb, request: UpdateApplicationRequest, status: 202 }),
  op({ id: 'ViewApplication', method: 'GET', path: onb, status: 200, response: ApplicationDetails }),
  op({ id: 'DeboardApplication', method: 'DELETE', path: `${onb}/zone/{zoneId}`, status: 202 }),
  op({
    id: 'OnboardExistingAppNewZones',
    method: 'POST',
    path: `${onb}/additionalZones`,
    request: AdditionalZonesRequest,
    status: 202,
  }),
  op({
    id: 'LockUnlockApplicationZone',
    method: 'POST',
    path: `${onb}/zoneForbid`,
    request: ZoneForbidRequest,
    status: 200,
  }),
  op({ id: 'InstallApp', method: 'POST', path: `${fed}/application/lcm`, request: InstallAppRequest, status: 202 }),
  op({
    id: 'GetAppInstanceDetails',
    method: 'GET',
    path: `${fed}/application/lcm/app/{appId}/instance/{appInstanceId}/zone/{zoneId}`,
    status: 200,
    response: AppInstanceDetails,
  }),
  op({
    id: 'RemoveApp',
    method: 'DELETE',
    path: `${fed}/application/lcm/app/{appId}/instance/{appInstanceId}/zone/{zoneId}`,
    status: 200,
  }),
  op({
    id: 'GetAllAppInstances',
    method: 'GET',
    path: `${fed}/application/lcm/app/{appId}/appProvider/{appProviderId}`,
    status: 200,
    response: AppInstanceList,
  }),
  op({ id: 'CreateResourcePools', method: 'POST', path: pool, request: CreateResourcePoolsRequest, status: 200 }),
  op({ id: 'ViewISVResPool', method: 'GET', path: pool, status: 200, response: ResourcePoolList }),
  op({
    id: 'UpdateISVResPool',
    method: 'PATCH',
    path: `${pool}/pool/{poolId}`,
    request: UpdateResourcePoolRequest,
    status: 200,
  }),
  op({ id: 'RemoveISVResPool', method: 'DELETE', path: `${pool}/pool/{poolId}`, status: 200 }),
  op({
    id: 'GetCandidateZones',
    method: 'POST',
    path: `${fed}/edgenodesharing/edgeDiscovery`,
    request: CandidateZonesRequest,
    status: 200,
    response: DiscoveredEdgeNodes,
  }),
  op({
    id: 'AuthenticateDevice',
    method: 'GET',
    path: `${fed}/roaminguserauth/device/{deviceId}/token/{authToken}`,
    status: 200,
  }),
];

const cb = '/{federationCallbackId}';

/** Every callback the originating (guest) side serves; the partner POSTs these. */
export const CALLBACK_OPERATIONS: readonly EwbiOperation[] = [
  op({
    id: 'PartnerStatusLink',
    method: 'POST',
    path: `${cb}/partnerStatusLink`,
    request: PartnerStatusNotification,
    status: 204,
  }),
  op({
    id: 'AvailZoneNotifLink',
    method: 'POST',
    path: `${cb}/availZoneNotifLink`,
    request: ZoneResourceNotification,
    status: 200,
  }),
  op({
    id: 'AppStatusCallbackLink',
    method: 'POST',
    path: `${cb}/appStatusCallbackLink`,
    request: AppStatusNotification,
    status: 204,
  }),
  op({
    id: 'ArtefactStatusCallbackLink',
    method: 'POST',
    path: `${cb}/artefactStatusCallbackLink`,
    request: ArtefactStatusNotification,
    status: 204,
  }),
  op({
    id: 'FileStatusCallbackLink',
    method: 'POST',
    path: `${cb}/fileStatusCallbackLink`,
    request: FileStatusNotification,
    status: 204,
  }),
  op({
    id: 'AppInstCallbackLink',
    method: 'POST',
    path: `${cb}/appInstCallbackLink`,
    request: AppInstNotification,
    status: 204,
  }),
  op({
    id: 'ResourceReservationCallbackLink',
    method: 'POST',
    path: `${cb}/resourceReservationCallbackLink`,
    request: ResourceReservationNotification,
    status: 204,
  }),
];

/** Fills a path template: ewbiPath('/{federationContextId}/partner', { federationContextId: 'f1' }). */
export function ewbiPath(template: string, params: Readonly<Record<string, string>>): string {
  return (
    EWBI_PREFIX +
    template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`missing path parameter ${name}`);
      return encodeURIComponent(v);
    })
  );
}

/** The partner operation with this operationId (throws on a typo: the table is static). */
export function operation(id: string): EwbiOperation {
  const found = [...PARTNER_OPERATIONS, ...CALLBACK_OPERATIONS].find((o) => o.id === id);
  if (!found) throw new Error(`unknown EWBI operation ${id}`);
  return found;
}
