// JSON schemas of the CAMARA request bodies we accept (written from the EAM spec's facts), strict at every level.
import { Ajv, type ValidateFunction } from 'ajv';
import { ApiError } from '../../model/index.js';

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });

type Schema = Record<string, unknown>;
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
});
const str = (maxLength: number, pattern?: string): Schema => ({
  type: 'string',
  maxLength,
  ...(pattern ? { pattern } : {}),
});
const int = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const en = (...values: string[]): Schema => ({ type: 'string', enum: values });
const arr = (items: Schema, maxItems: number, minItems = 0): Schema => ({
  type: 'array',
  items,
  maxItems,
  ...(minItems ? { minItems } : {}),
});

const UUID = str(36, '^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$');
const NAME = str(64, '^[A-Za-z][A-Za-z0-9_]{1,63}$');
const PROVIDER = str(64, '^[A-Za-z][A-Za-z0-9_]{7,63}$');
const URI = str(2048, '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$');
const STORAGE = arr(
  obj({ name: str(64), storageSize: str(32, '^\\d+(GB|MB)$'), mountPoint: str(64) }, ['storageSize', 'mountPoint']),
  50,
);
const GPU = obj({ gpuMemory: int(0, 16384), numGPU: int(0, 16) }, ['gpuMemory', 'numGPU']);
const topology = (gpu: boolean): Schema =>
  obj(
    {
      minNumberOfNodes: int(1, 1000),
      minNodeCpu: int(1, 256),
      minNodeMemory: int(1, 16384),
      ...(gpu ? { minNodeGpuMemory: int(1, 16) } : {}),
    },
    ['minNumberOfNodes', 'minNodeCpu', 'minNodeMemory', ...(gpu ? ['minNodeGpuMemory'] : [])],
  );
const KUBERNETES = obj(
  {
    infraKind: en('kubernetes'),
    applicationResources: obj({
      cpuPool: obj({ numCPU: int(1, 256), memory: int(1, 16384), topology: topology(false) }, [
        'numCPU',
        'memory',
        'topology',
      ]),
      gpuPool: obj({ numCPU: int(1, 1024), memory: int(1, 16384), gpuMemory: int(1, 16), topology: topology(true) }, [
        'numCPU',
        'memory',
        'gpuMemory',
        'topology',
      ]),
    }),
    isStandalone: { type: 'boolean' },
    version: str(64, '^v?\\d+\\.\\d+(?:\\.\\d+)?(?:[-+][0-9A-Za-z.-]+)?$'),
    additionalStorage: str(32, '^\\d+(GB|MB)$'),
    networking: obj(
      {
        primaryNetwork: obj({ provider: str(64), version: str(64) }),
        additionalNetworks: arr(obj({ name: str(64), interfaceType: en('netdevice', 'vfio-pci', 'interface') }), 100),
      },
      ['primaryNetwork'],
    ),
    addons: { ...arr(en('monitoring', 'ingress'), 2), uniqueItems: true },
  },
  ['infraKind', 'applicationResources', 'isStandalone'],
);
const VM = obj(
  {
    infraKind: en('virtualMachine'),
    numCPU: int(1, 256),
    memory: int(1, 32768),
    additionalStorages: STORAGE,
    gpu: GPU,
  },
  ['infraKind', 'numCPU', 'memory'],
);
const CONTAINER = obj(
  {
    infraKind: en('container'),
    numCPU: str(16, '^\\d+((\\.\\d{1,3})|(m))?$'),
    memory: int(1, 16384),
    storage: STORAGE,
    gpu: GPU,
  },
  ['infraKind', 'numCPU', 'memory'],
);
const COMPOSE = obj(
  { infraKind: en('dockerCompose'), numCPU: int(1, 256), memory: int(1, 16384), storage: STORAGE, gpu: GPU },
  ['infraKind', 'numCPU', 'memory'],
);

export const APP_MANIFEST = obj(
  {
    name: NAME,
    appProvider: PROVIDER,
    version: str(64),
    packageType: en('QCOW2', 'OVA', 'CONTAINER', 'HELM', 'CSAR'),
    operatingSystem: obj(
      {
        architecture: en('x86_64', 'x86'),
        family: en('RHEL', 'UBUNTU', 'COREOS', 'WINDOWS', 'OTHER'),
        version: en('OS_VERSION_UBUNTU_2204_LTS', 'OS_VERSION_RHEL_8', 'OS_MS_WINDOWS_2022', 'OTHER'),
        license: en('OS_LICENSE_TYPE_FREE', 'OS_LICENSE_TYPE_ON_DEMAND', 'OTHER'),
      },
      ['architecture', 'family', 'version', 'license'],
    ),
    appRepo: obj(
      {
        type: en('PRIVATEREPO', 'PUBLICREPO'),
        imagePath: URI,
        userName: str(64),
        credentials: str(2048),
        authType: en('DOCKER', 'HTTP_BASIC', 'HTTP_BEARER', 'NONE'),
        checksum: str(128, '^(?:[A-Fa-f0-9]{32}|[A-Fa-f0-9]{64})$'),
      },
      ['type', 'imagePath'],
    ),
    requiredResources: {
      type: 'object',
      required: ['infraKind'],
      properties: { infraKind: en('kubernetes', 'virtualMachine', 'container', 'dockerCompose') },
      oneOf: [KUBERNETES, VM, CONTAINER, COMPOSE],
    },
    componentSpec: arr(
      obj(
        {
          componentName: str(64),
          networkInterfaces: arr(
            obj(
              {
                interfaceId: str(32, '^[A-Za-z0-9][A-Za-z0-9_]{2,30}[A-Za-z0-9]$'),
                protocol: en('TCP', 'UDP', 'ANY'),
                port: int(1, 65535),
                visibilityType: en('VISIBILITY_EXTERNAL', 'VISIBILITY_INTERNAL'),
              },
              ['interfaceId', 'protocol', 'port', 'visibilityType'],
            ),
            100,
            1,
          ),
        },
        ['componentName', 'networkInterfaces'],
      ),
      100,
      1,
    ),
  },
  ['name', 'version', 'appProvider', 'packageType', 'appRepo', 'requiredResources', 'componentSpec'],
);

const SUBSCRIPTION = obj(
  {
    sink: str(2048, '^https:\\/\\/.+$'),
    sinkCredential: obj(
      {
        credentialType: en('ACCESSTOKEN'),
        accessToken: str(4096),
        accessTokenExpiresUtc: str(64, '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'),
        accessTokenType: en('bearer'),
      },
      ['credentialType', 'accessToken', 'accessTokenExpiresUtc', 'accessTokenType'],
    ),
    types: arr(
      en(
        'org.camaraproject.edge-application-management.v0.app-instance-status-change',
        'org.camaraproject.edge-application-management.v0.app-deployment-status-change',
        'org.camaraproject.edge-application-management.v0.subscription-ended',
      ),
      1,
      1,
    ),
    config: obj(
      {
        subscriptionDetail: { type: 'object' },
        subscriptionExpireTime: str(64),
        subscriptionMaxEvents: int(1, 2147483647),
        initialEvent: { type: 'boolean' },
      },
      ['subscriptionDetail'],
    ),
  },
  ['sink'],
);

export const CREATE_INSTANCE = obj(
  { name: NAME, appId: UUID, edgeCloudZoneId: UUID, kubernetesClusterRef: UUID, subscriptionRequest: SUBSCRIPTION },
  ['name', 'appId', 'edgeCloudZoneId'],
);
export const CREATE_DEPLOYMENT = obj(
  {
    appDeploymentName: NAME,
    appId: UUID,
    edgeCloudZones: arr(UUID, 100),
    kubernetesClusterRefs: arr(UUID, 100),
    subscriptionRequest: SUBSCRIPTION,
  },
  ['appDeploymentName', 'appId', 'edgeCloudZones'],
);
export const PATCH_DEPLOYMENT = obj({
  appDeploymentName: NAME,
  edgeCloudZones: arr(UUID, 100),
  kubernetesClusterRefs: arr(UUID, 100),
});

const compiled = new WeakMap<Schema, ValidateFunction>();

/** Validates a request body; any mismatch (unknown property at any depth included) is 400 INVALID_ARGUMENT. */
export function checkBody<T>(schema: Schema, body: unknown): T {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  if (!v(body)) {
    const errors = (v.errors ?? []).slice(0, 8).map((e) => ({
      field:
        `body${e.instancePath.replace(/\//g, '.')}` +
        (e.keyword === 'additionalProperties' ? `.${String(e.params.additionalProperty)}` : ''),
      message: e.keyword === 'additionalProperties' ? 'unknown property' : (e.message ?? e.keyword),
    }));
    throw new ApiError('BadRequest', 'the request body does not match the schema', errors);
  }
  return body as T;
}

/** A CAMARA Device: at least one identifier (IPv4 as public address plus private address or port). */
export const DEVICE: Schema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    phoneNumber: str(16, '^\\+[1-9][0-9]{4,14}$'),
    networkAccessIdentifier: str(256, '^[^@\\s]+@[^@\\s]+$'),
    ipv4Address: {
      type: 'object',
      additionalProperties: false,
      properties: {
        publicAddress: str(15),
        privateAddress: str(15),
        publicPort: int(0, 65535),
      },
      required: ['publicAddress'],
      anyOf: [{ required: ['privateAddress'] }, { required: ['publicPort'] }],
    },
    ipv6Address: str(45),
  },
};
