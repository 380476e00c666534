// Schema fragments shared by several kinds: countries, coordinates, resources, categories, taints.
import { Type, type Static } from 'typebox';
import { Quantity } from '../quantity.js';

/** ISO 3166-1 alpha-2 country code, upper case. */
export const Country = Type.String({ pattern: '^[A-Z]{2}$' });
export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });

export const Location = Type.Object(
  {
    country: Country,
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    latitude: Latitude,
    longitude: Longitude,
  },
  { additionalProperties: false },
);
export type Location = Static<typeof Location>;

/** Continuum categories (seed "Definition Types of Infrastructures"). */
export const CATEGORIES = ['cloud', 'metro-edge', 'near-edge', 'far-edge', 'near-premise'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CategorySchema = Type.Union([
  Type.Literal('cloud'),
  Type.Literal('metro-edge'),
  Type.Literal('near-edge'),
  Type.Literal('far-edge'),
  Type.Literal('near-premise'),
]);

export const RUNTIMES = ['process', 'function', 'kubernetes', 'container'] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];
export const RuntimeSchema = Type.Union([
  Type.Literal('process'),
  Type.Literal('function'),
  Type.Literal('kubernetes'),
  Type.Literal('container'),
]);

/** Amounts of compute: cpu in cores ("500m" ok), memory/storage in bytes ("2Gi" ok), gpu as a count. */
export const Resources = Type.Object(
  {
    cpu: Type.Optional(Quantity),
    memory: Type.Optional(Quantity),
    gpu: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 })),
    storage: Type.Optional(Quantity),
  },
  { additionalProperties: false },
);
export type Resources = Static<typeof Resources>;

/**
 * What a component (or a deployment override) requests: Resources plus the accelerator model its
 * `gpu` count must be of (a site's `spec.gpuModel`, e.g. "NVIDIA L4"); without a model any GPU fits.
 */
export const ComponentResources = Type.Object(
  {
    ...Resources.properties,
    gpuModel: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ComponentResources = Static<typeof ComponentResources>;

export const Taint = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 253 }),
    value: Type.Optional(Type.String({ maxLength: 63 })),
    effect: Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')]),
  },
  { additionalProperties: false },
);
export type Taint = Static<typeof Taint>;

export const Toleration = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 253 })),
    operator: Type.Optional(Type.Union([Type.Literal('Equal'), Type.Literal('Exists')])),
    value: Type.Optional(Type.String({ maxLength: 63 })),
    effect: Type.Optional(
      Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')]),
    ),
    tolerationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type Toleration = Static<typeof Toleration>;

export const EnvVar = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 253 }),
    value: Type.Optional(Type.String({ maxLength: 32768 })),
    valueFrom: Type.Optional(
      Type.Object(
        {
          secretKeyRef: Type.Object(
            { name: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EnvVar = Static<typeof EnvVar>;

export const ObjectRef = Type.Object(
  { name: Type.String({ minLength: 1 }), namespace: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** An IPv4 or IPv6 address with an optional prefix length (checked fully where it is used). */
export const CIDR_PATTERN = '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$';
