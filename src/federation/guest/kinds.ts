// The originating-side kinds: Federation (a partnership with a partner control plane) and its EWBI outbox entries.
import { Type, type Static } from 'typebox';
import {
  CategorySchema,
  Conditions,
  Country,
  Name,
  PriceList,
  registerKind,
  RuntimeSchema,
  SITE_FEDERATION_LABEL,
  type Resource,
} from '../../model/index.js';

/** EWBI zone / federation status values (the spec's Status enum). */
export const ZONE_STATUSES = ['AVAILABLE', 'NOT_AVAILABLE', 'TEMPORARY_FAILURE', 'LOCKED', 'FAILED'] as const;
export type ZoneStatus = (typeof ZONE_STATUSES)[number];
const ZoneStatusSchema = Type.Unsafe<ZoneStatus>(Type.Union(ZONE_STATUSES.map((s) => Type.Literal(s))));
const Timestamp = Type.String({ maxLength: 64 });

export const FederationSpec = Type.Object(
  {
    partner: Type.Object(
      {
        /** Base URL of the partner control plane (scheme://host:port); the EWBI prefix is appended. */
        endpoint: Type.String({ pattern: '^https?://[^\\s/?#]+$', maxLength: 512 }),
        /** Local Provider object standing for the partner; created (federated: true) when absent. */
        provider: Name,
        legalName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
        /** Partner country when the partner does not tell (partnerOPCountryCode wins). */
        country: Type.Optional(Country),
        /** PEM CA bundle that signs the partner's TLS certificate (else the credentials Secret's `ca.crt`). */
        ca: Type.Optional(Type.String({ maxLength: 65536 })),
      },
      { additionalProperties: false },
    ),
    /** Secret (keys clientId, clientSecret, optional ca.crt) with the OAuth2 client credentials the partner issued. */
    credentialsSecret: Type.Object({ namespace: Type.Optional(Name), name: Name }, { additionalProperties: false }),
    /**
     * Secret (keys clientId, clientSecret) the partner uses to get tokens from OUR token endpoint for its callbacks
     * (sent as partnerCallbackCredentials); without it the partner calls back with what it has.
     */
    callbackCredentialsSecret: Type.Optional(
      Type.Object({ namespace: Type.Optional(Name), name: Name }, { additionalProperties: false }),
    ),
    /** Zones to subscribe (default: every zone the partner offers). */
    acceptedZones: Type.Optional(Type.Array(Name, { maxItems: 256, uniqueItems: true })),
    /** Terms of the partnership: the price list partner zones are placed with, and the validity. */
    terms: Type.Optional(
      Type.Object(
        {
          pricing: Type.Optional(PriceList),
          validFrom: Type.Optional(Timestamp),
          validUntil: Type.Optional(Timestamp),
        },
        { additionalProperties: false },
      ),
    ),
    /** How partner zones appear as Sites (category, runtimes offered, where instances answer). */
    sites: Type.Optional(
      Type.Object(
        {
          category: Type.Optional(CategorySchema),
          runtimes: Type.Optional(Type.Array(RuntimeSchema, { minItems: 1, uniqueItems: true })),
          workloadNetworks: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 32 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Base URL the partner calls back (this control plane as the partner reaches it); default: our own URL. */
    callbackBaseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+$', maxLength: 512 })),
    /** Seconds without an answer from the partner before its zones are NOT_AVAILABLE (default 30). */
    unavailableAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type FederationSpec = Static<typeof FederationSpec>;

export const FederationZone = Type.Object(
  {
    zoneId: Type.String({ maxLength: 63 }),
    site: Type.Optional(Type.String({ maxLength: 63 })),
    geolocation: Type.Optional(Type.String({ maxLength: 64 })),
    geographyDetails: Type.Optional(Type.String({ maxLength: 1024 })),
    status: Type.Optional(ZoneStatusSchema),
    flavours: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64 })),
    /** Reserved resources as the partner reported them (cpu cores as a quantity, memory in Mi). */
    reserved: Type.Optional(
      Type.Object({ cpu: Type.String(), memory: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type FederationZone = Static<typeof FederationZone>;

export const FederationStatus = Type.Object(
  {
    phase: Type.Optional(
      Type.Union([
        Type.Literal('Pending'),
        Type.Literal('Established'),
        Type.Literal('Unavailable'),
        Type.Literal('Expired'),
        Type.Literal('Deleting'),
      ]),
    ),
    conditions: Type.Optional(Conditions),
    federationContextId: Type.Optional(Type.String({ maxLength: 63 })),
    /** Our id for the partner's callbacks (path segment of every callback URL we gave). */
    callbackId: Type.Optional(Type.String({ maxLength: 63 })),
    partnerFederationId: Type.Optional(Type.String({ maxLength: 63 })),
    partnerCountry: Type.Optional(Country),
    offeredZones: Type.Optional(Type.Array(FederationZone, { maxItems: 256 })),
    acceptedZones: Type.Optional(Type.Array(FederationZone, { maxItems: 256 })),
    /** Last time the partner answered (written on state changes only). */
    lastContactTime: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type FederationStatus = Static<typeof FederationStatus>;

/** One EWBI call the guest owes its partner: written before it is made, delivered with retries, never twice. */
export const FederationOperationSpec = Type.Object(
  {
    federation: Name,
    /** The spec's operationId (UploadFile, UploadArtefact, OnboardApplication, InstallApp, RemoveApp, ...). */
    operation: Type.String({ maxLength: 64 }),
    method: Type.Union([Type.Literal('POST'), Type.Literal('GET'), Type.Literal('DELETE'), Type.Literal('PATCH')]),
    /** Path under /operatorplatform/federation/v1; `{fcid}` is replaced by the federation context id at delivery. */
    path: Type.String({ maxLength: 1024 }),
    encoding: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('multipart')])),
    body: Type.Optional(Type.Unknown()),
    /** Operations (names) that must be Done first. */
    after: Type.Optional(Type.Array(Name, { maxItems: 8 })),
    /** EWBI ids this operation is about (appId, appInstanceId, zoneId ...), for callbacks and clean-up. */
    refs: Type.Optional(Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 128 }))),
  },
  { additionalProperties: false },
);
export type FederationOperationSpec = Static<typeof FederationOperationSpec>;

export const FederationOperationStatus = Type.Object(
  {
    phase: Type.Optional(Type.Union([Type.Literal('Pending'), Type.Literal('Done'), Type.Literal('Failed')])),
    attempts: Type.Optional(Type.Integer({ minimum: 0 })),
    httpStatus: Type.Optional(Type.Integer()),
    lastError: Type.Optional(Type.String({ maxLength: 4096 })),
    lastAttemptTime: Type.Optional(Timestamp),
    /** Asynchronous outcome the partner reported by callback (e.g. ONBOARDED for OnboardApplication). */
    partnerState: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type FederationOperationStatus = Static<typeof FederationOperationStatus>;

export const FederationKind = registerKind({
  kind: 'Federation',
  plural: 'federations',
  singular: 'federation',
  shortNames: ['fed'],
  namespaced: false,
  spec: FederationSpec,
  status: FederationStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'PARTNER', path: 'spec.partner.endpoint' },
    { name: 'PHASE', path: 'status.phase' },
    { name: 'CONTEXT', path: 'status.federationContextId' },
    { name: 'ZONES', path: 'status.acceptedZones[*].zoneId' },
    { name: 'AGE', path: 'metadata.creationTimestamp' },
  ],
  selectableFields: ['status.phase'],
  description: 'A partnership with another control plane over the GSMA OP EWBI (this side originates).',
});

export const FederationOperationKind = registerKind({
  kind: 'FederationOperation',
  plural: 'federationoperations',
  singular: 'federationoperation',
  shortNames: ['fedop', 'fedops'],
  namespaced: false,
  spec: FederationOperationSpec,
  status: FederationOperationStatus,
  columns: [
    { name: 'NAME', path: 'metadata.name' },
    { name: 'FEDERATION', path: 'spec.federation' },
    { name: 'OPERATION', path: 'spec.operation' },
    { name: 'PHASE', path: 'status.phase' },
    { name: 'ATTEMPTS', path: 'status.attempts' },
    { name: 'PARTNER', path: 'status.partnerState' },
    { name: 'ERROR', path: 'status.lastError', wide: true },
  ],
  selectableFields: ['spec.federation', 'spec.operation', 'status.phase'],
  description:
    'An EWBI call owed to a federation partner (the outbox): delivered with retries, exactly once in effect.',
});

export type Federation = Resource<FederationSpec, FederationStatus>;
export type FederationOperation = Resource<FederationOperationSpec, FederationOperationStatus>;

/** Labels and annotations on the local objects that stand for partner zones. */
export const FEDERATION_LABEL = SITE_FEDERATION_LABEL;
export const ZONE_LABEL = 'continuum.eu/partner-zone';
export const ZONE_STATUS_ANNOTATION = 'continuum.eu/zone-status';
/** Finalizers: a Federation cleans up both sides; a partner-zone Workload removes its instance on the partner. */
export const FEDERATION_FINALIZER = 'continuum.eu/federation';
export const INSTANCE_FINALIZER = 'continuum.eu/federation-instance';
