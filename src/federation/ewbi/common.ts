// EWBI wire schemas shared by several operations: identifiers, enums, endpoints, compute resources, zones.
import { Type, type Static } from 'typebox';

/** RFC 1123 label used by most EWBI identifiers. */
export const LABEL = '^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?$';
const label = (): ReturnType<typeof Type.String> => Type.String({ pattern: LABEL });

export const AppIdentifier = label();
export const AppProviderId = label();
export const ArtefactId = label();
export const ArtefactName = Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_\\.-]{0,127}$' });
export const AuthorizationToken = Type.String({ minLength: 8, maxLength: 128 });
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$' });
export const CPUArchType = Type.Enum(['ISA_X86', 'ISA_X86_64', 'ISA_ARM_64']);
export const DeviceId = Type.String();
export const InstanceIdentifier = label();
export const INSTANCE_STATES = ['PENDING', 'READY', 'FAILED', 'TERMINATING'] as const;
export const InstanceState = Type.Enum([...INSTANCE_STATES]);
export type InstanceState = (typeof INSTANCE_STATES)[number];
export const Ipv4Addr = Type.String({
  pattern:
    '^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$',
});
export const Ipv6Addr = Type.String({
  allOf: [
    {
      pattern:
        '^((:|(0?|([1-9a-f][0-9a-f]{0,3}))):)((0?|([1-9a-f][0-9a-f]{0,3})):){0,6}(:|(0?|([1-9a-f][0-9a-f]{0,3})))$',
    },
    { pattern: '^((([^:]+:){7}([^:]+))|((([^:]+:)*[^:]+)?::(([^:]+:)*[^:]+)?))$' },
  ],
});
export const Fqdn = Type.String();
export const FixedNetworkIds = Type.Array(Type.String(), { minItems: 1 });
export const FederationCallbackId = label();
export const FederationContextId = label();
export const FederationIdentifier = label();
export const FileId = Type.String();
export const FileName = Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_\\.-]{0,127}$' });
export const FlavourId = Type.String();
export const GeoLocation = Type.String({
  pattern: '^[-+]?[\\d]{1,2}(\\.[\\d]{1,4})?,\\s*[-+]?[\\d]{1,3}(\\.[\\d]{1,4})?$',
});
export const InterfaceId = label();
export const Mcc = Type.String({ pattern: '^\\d{3}$' });
export const Mnc = Type.String({ pattern: '^\\d{2,3}$' });
export const PoolName = Type.String();
export const PoolId = label();
export const Port = Type.Integer({ minimum: 0 });
export const STATUSES = ['FAILED', 'TEMPORARY_FAILURE', 'AVAILABLE', 'LOCKED', 'NOT_AVAILABLE'] as const;
export const Status = Type.Enum([...STATUSES]);
export type Status = (typeof STATUSES)[number];
export const Uri = Type.String();
export const Vcpu = Type.String({ pattern: '^\\d+((\\.\\d{1,3})|(m))?$' });
export const Version = Type.String({ pattern: '^(\\d{1,2}\\.)?(\\d{1,2}\\.)?(\\d{1,2})$' });
export const VirtImageType = Type.Enum(['QCOW2', 'DOCKER', 'OVA']);
export const ZoneIdentifier = label();
export const DateTime = Type.String({ format: 'date-time' });
export const RepoType = Type.Enum(['PRIVATEREPO', 'PUBLICREPO', 'UPLOAD']);

/** Where a service listens: a port plus at least one of fqdn / IPv4 / IPv6 addresses. */
export const ServiceEndpoint = Type.Object(
  {
    port: Port,
    fqdn: Type.Optional(Fqdn),
    ipv4Addresses: Type.Optional(Type.Array(Ipv4Addr, { minItems: 1 })),
    ipv6Addresses: Type.Optional(Type.Array(Ipv6Addr, { minItems: 1 })),
  },
  { anyOf: [{ required: ['fqdn'] }, { required: ['ipv4Addresses'] }, { required: ['ipv6Addresses'] }] },
);
export type ServiceEndpoint = Static<typeof ServiceEndpoint>;

export const AccessPointInfo = Type.Array(Type.Object({ interfaceId: InterfaceId, accessPoints: ServiceEndpoint }), {
  minItems: 1,
});
export type AccessPointInfo = Static<typeof AccessPointInfo>;

export const CallbackCredentials = Type.Object({
  tokenUrl: Uri,
  clientId: Type.String(),
  clientSecret: Type.String(),
});
export type CallbackCredentials = Static<typeof CallbackCredentials>;

export const MobileNetworkIds = Type.Object({
  mcc: Type.Optional(Mcc),
  mncs: Type.Optional(Type.Array(Mnc, { minItems: 1 })),
});
export type MobileNetworkIds = Static<typeof MobileNetworkIds>;

export const ObjectRepoLocation = Type.Object({
  repoURL: Type.Optional(Uri),
  userName: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  token: Type.Optional(Type.String()),
});
export type ObjectRepoLocation = Static<typeof ObjectRepoLocation>;

export const GpuInfo = Type.Object({
  gpuVendorType: Type.Enum(['GPU_PROVIDER_NVIDIA', 'GPU_PROVIDER_AMD']),
  gpuModeName: Type.String(),
  gpuMemory: Type.Integer(),
  numGPU: Type.Integer(),
});
export const HugePage = Type.Object({ pageSize: Type.Enum(['2MB', '4MB', '1GB']), number: Type.Integer() });

export const ComputeResourceInfo = Type.Object({
  cpuArchType: Type.Enum(['ISA_X86_64', 'ISA_ARM_64']),
  numCPU: Vcpu,
  memory: Type.Integer(),
  diskStorage: Type.Optional(Type.Integer()),
  gpu: Type.Optional(Type.Array(GpuInfo)),
  vpu: Type.Optional(Type.Integer()),
  fpga: Type.Optional(Type.Integer()),
  hugepages: Type.Optional(Type.Array(HugePage)),
  cpuExclusivity: Type.Optional(Type.Boolean()),
});
export type ComputeResourceInfo = Static<typeof ComputeResourceInfo>;

export const OSType = Type.Object({
  architecture: Type.Enum(['x86_64', 'x86']),
  distribution: Type.Enum(['RHEL', 'UBUNTU', 'COREOS', 'FEDORA', 'WINDOWS', 'OTHER']),
  version: Type.Enum([
    'OS_VERSION_UBUNTU_2204_LTS',
    'OS_VERSION_RHEL_8',
    'OS_VERSION_RHEL_7',
    'OS_VERSION_DEBIAN_11',
    'OS_VERSION_COREOS_STABLE',
    'OS_MS_WINDOWS_2012_R2',
    'OTHER',
  ]),
  license: Type.Enum(['OS_LICENSE_TYPE_FREE', 'OS_LICENSE_TYPE_ON_DEMAND', 'NOT_SPECIFIED']),
});
export type OSType = Static<typeof OSType>;

export const Flavour = Type.Object({
  flavourId: FlavourId,
  cpuArchType: CPUArchType,
  supportedOSTypes: Type.Array(OSType, { minItems: 1 }),
  numCPU: Type.Integer(),
  memorySize: Type.Integer(),
  storageSize: Type.Integer(),
  gpu: Type.Optional(Type.Array(GpuInfo)),
  fpga: Type.Optional(Type.Integer()),
  vpu: Type.Optional(Type.Integer()),
  hugepages: Type.Optional(Type.Array(HugePage)),
  cpuExclusivity: Type.Optional(Type.Boolean()),
});
export type Flavour = Static<typeof Flavour>;

export const ZoneDetails = Type.Object({
  zoneId: ZoneIdentifier,
  geolocation: GeoLocation,
  geographyDetails: Type.String(),
});
export type ZoneDetails = Static<typeof ZoneDetails>;

export const InvalidParam = Type.Object({ param: Type.String(), reason: Type.Optional(Type.String()) });
export const ProblemDetails = Type.Object({
  title: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
  cause: Type.Optional(Type.String()),
  invalidParams: Type.Optional(Type.Array(InvalidParam, { minItems: 1 })),
});
export type ProblemDetails = Static<typeof ProblemDetails>;

export const ResourceReservationDuration = Type.Object(
  {
    numOfDays: Type.Optional(Type.Integer()),
    numOfMonths: Type.Optional(Type.Integer()),
    numOfYears: Type.Optional(Type.Integer()),
  },
  { minProperties: 1 },
);
export type ResourceReservationDuration = Static<typeof ResourceReservationDuration>;
