// EWBI wire schemas describing an application: metadata, QoS profile, components and their compute needs.
import { Type, type Static } from 'typebox';
import { ArtefactId, ComputeResourceInfo, FileId, InterfaceId, LABEL } from './common.js';

const label = (): ReturnType<typeof Type.String> => Type.String({ pattern: LABEL });

export const APP_CATEGORIES = [
  'IOT',
  'HEALTH_CARE',
  'GAMING',
  'VIRTUAL_REALITY',
  'SOCIALIZING',
  'SURVEILLANCE',
  'ENTERTAINMENT',
  'CONNECTIVITY',
  'PRODUCTIVITY',
  'SECURITY',
  'INDUSTRIAL',
  'EDUCATION',
  'OTHERS',
] as const;

export const AppMetaData = Type.Object({
  appName: label(),
  version: Type.String(),
  appDescription: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  mobilitySupport: Type.Optional(Type.Boolean()),
  accessToken: Type.String({ minLength: 8, maxLength: 128 }),
  category: Type.Optional(Type.Enum([...APP_CATEGORIES])),
});
export type AppMetaData = Static<typeof AppMetaData>;

export const LATENCY_CONSTRAINTS = ['NONE', 'LOW', 'ULTRALOW'] as const;
export const MULTI_USER = ['APP_TYPE_SINGLE_USER', 'APP_TYPE_MULTI_USER'] as const;

export const AppQoSProfile = Type.Object({
  latencyConstraints: Type.Enum([...LATENCY_CONSTRAINTS]),
  bandwidthRequired: Type.Optional(Type.Integer({ minimum: 1 })),
  multiUserClients: Type.Optional(Type.Enum([...MULTI_USER])),
  noOfUsersPerAppInst: Type.Optional(Type.Integer()),
  appProvisioning: Type.Optional(Type.Boolean()),
});
export type AppQoSProfile = Static<typeof AppQoSProfile>;

export const AppComponentSpecs = Type.Array(
  Type.Object({
    serviceNameNB: Type.Optional(label()),
    serviceNameEW: Type.Optional(label()),
    componentName: Type.Optional(label()),
    artefactId: ArtefactId,
  }),
  { minItems: 1 },
);
export type AppComponentSpecs = Static<typeof AppComponentSpecs>;

export const InterfaceDetails = Type.Object({
  interfaceId: InterfaceId,
  commProtocol: Type.Enum(['TCP', 'UDP', 'HTTP_HTTPS']),
  commPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  visibilityType: Type.Enum(['VISIBILITY_EXTERNAL', 'VISIBILITY_INTERNAL']),
  network: Type.Optional(label()),
  InterfaceName: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,32}$' })),
});
export type InterfaceDetails = Static<typeof InterfaceDetails>;

export const CompEnvParams = Type.Object({
  envVarName: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_]{0,63}$' }),
  envValueType: Type.Enum([
    'USER_DEFINED',
    'PLATFORM_DEFINED_DYNAMIC_PORT',
    'PLATFORM_DEFINED_DNS',
    'PLATFORM_DEFINED_IP',
  ]),
  envVarValue: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_,\\.-]{0,128}$' })),
  envVarSrc: Type.Optional(Type.String()),
});
export type CompEnvParams = Static<typeof CompEnvParams>;

export const CommandLineParams = Type.Object({
  command: Type.Array(Type.String()),
  commandArgs: Type.Optional(Type.Array(Type.String())),
});

export const DeploymentConfig = Type.Object({
  configType: Type.Enum(['DOCKER_COMPOSE', 'KUBERNETES_MANIFEST', 'CLOUD_INIT', 'HELM_VALUES']),
  contents: Type.String(),
});

export const PersistentVolumeDetails = Type.Object({
  volumeSize: Type.Enum(['10Gi', '20Gi', '50Gi', '100Gi']),
  volumeMountPath: Type.String(),
  volumeName: Type.String(),
  ephemeralType: Type.Optional(Type.Boolean()),
  accessMode: Type.Optional(Type.Enum(['RW', 'RO'])),
  sharingPolicy: Type.Optional(Type.Enum(['EXCLUSIVE', 'SHARED'])),
});

export const ComponentSpec = Type.Object({
  componentName: label(),
  images: Type.Array(FileId, { minItems: 1 }),
  numOfInstances: Type.Integer(),
  restartPolicy: Type.Enum(['RESTART_POLICY_ALWAYS', 'RESTART_POLICY_NEVER']),
  commandLineParams: Type.Optional(CommandLineParams),
  exposedInterfaces: Type.Optional(Type.Array(InterfaceDetails, { minItems: 1 })),
  computeResourceProfile: ComputeResourceInfo,
  compEnvParams: Type.Optional(Type.Array(CompEnvParams)),
  deploymentConfig: Type.Optional(DeploymentConfig),
  persistentVolumes: Type.Optional(Type.Array(PersistentVolumeDetails, { minItems: 1 })),
});
export type ComponentSpec = Static<typeof ComponentSpec>;
