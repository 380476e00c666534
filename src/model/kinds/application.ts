// Application: a catalog entry describing components, how they connect, and what they require.
import { Type, type Static, type TNumber, type TOptional } from 'typebox';
import { Conditions, Name } from '../meta.js';
import {
  CategorySchema,
  ComponentResources,
  Country,
  EnvVar,
  RuntimeSchema,
  Toleration,
  type RuntimeKind,
} from './common.js';

export const Port = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 15 }),
    /** Container port for container runtimes; the process runtime always allocates a free host port. */
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    protocol: Type.Optional(Type.Union([Type.Literal('HTTP'), Type.Literal('TCP')])),
    /** A user-facing port: listed in the Deployment's endpoints. */
    expose: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Port = Static<typeof Port>;

export const HealthCheck = Type.Object(
  {
    http: Type.Optional(
      Type.Object(
        { path: Type.String({ pattern: '^/', maxLength: 1024 }), port: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    tcp: Type.Optional(Type.Object({ port: Type.Optional(Type.String()) }, { additionalProperties: false })),
    exec: Type.Optional(
      Type.Object(
        { command: Type.Array(Type.String(), { minItems: 1, maxItems: 64 }) },
        { additionalProperties: false },
      ),
    ),
    initialDelaySeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
    periodSeconds: Type.Optional(Type.Number({ minimum: 0.05, maximum: 3600 })),
    timeoutSeconds: Type.Optional(Type.Number({ minimum: 0.05, maximum: 600 })),
    failureThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type HealthCheck = Static<typeof HealthCheck>;

/** One event source of a function: an MQTT topic or a NATS subject, inside the tenant's own namespace (ADR 0020). */
export const FunctionTrigger = Type.Object(
  {
    mqtt: Type.Optional(
      Type.Object({ topic: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
    ),
    nats: Type.Optional(
      Type.Object({ subject: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type FunctionTrigger = Static<typeof FunctionTrigger>;

/** How the function runtime scales a function: idle time before scale-to-zero, concurrency, instance cap, triggers. */
export const FunctionSettings = Type.Object(
  {
    /** An instance with no call for this long is stopped (default 60). */
    idleSeconds: Type.Optional(Type.Number({ minimum: 0.05, maximum: 86400 })),
    /** Calls one instance serves at once (default 8); more start another instance or wait. */
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** Most instances of this function on one site (default 4). */
    maxInstances: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    triggers: Type.Optional(Type.Array(FunctionTrigger, { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type FunctionSettings = Static<typeof FunctionSettings>;

export const Artifact = Type.Object(
  {
    /**
     * Executable for the process runtime (relative paths resolve against the artifact base directory); for the
     * container runtime, the command run in the image (relative to the image's working directory; default: the
     * image's own command).
     */
    command: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 })),
    /** OCI image for container and kubernetes runtimes; the container runtime needs it pinned (name@sha256:…). */
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** Function runtime: `<module path>#<export>` (export default: `default`); the module is the bundle. */
    handler: Type.Optional(Type.String({ maxLength: 512 })),
    /** Function runtime: scaling and event triggers. */
    function: Type.Optional(FunctionSettings),
    /**
     * Process runtime: sha256 of the program file (the resolved command, or `programFile`); the driver refuses to
     * start on a mismatch. With an ApprovedArtifact of the same command and digest, no RuntimePolicy is needed.
     */
    sha256: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$' })),
    /** The file `sha256` pins when the command is an interpreter (e.g. the script `node` runs). */
    programFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export type Artifact = Static<typeof Artifact>;

export const Connection = Type.Object(
  {
    /** Name of the component this one calls. */
    to: Name,
    port: Type.Optional(Type.String({ maxLength: 15 })),
    /** Env var receiving the peer's URL; default <TO>_URL upper-cased. */
    env: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' })),
  },
  { additionalProperties: false },
);
export type Connection = Static<typeof Connection>;

export const LatencyRequirement = Type.Object(
  {
    /** A UserArea name. */
    area: Name,
    maxMs: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
    /** Restrict to one component (default: user-facing components, or all when none is exposed). */
    component: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export type LatencyRequirement = Static<typeof LatencyRequirement>;

/**
 * Names of the placement scorers a request may weight: the weights part of the API, and the only
 * place a scorer is named outside src/placement. The scorers live in src/placement, a layer this
 * module must not import, so the list is declared here and the placement registry is held to it
 * both ways: a scorer's `name` has this type (a scorer not listed here does not compile) and
 * src/placement/pipeline.test.ts fails when a name listed here has no registered scorer.
 * Defaults, descriptions and order are the scorers' own (see docs/placement-pipeline.md).
 */
export const SCORER_WEIGHT_NAMES = ['latency', 'price', 'carbon', 'balance', 'binpack'] as const;
export type ScorerWeightName = (typeof SCORER_WEIGHT_NAMES)[number];

/** One optional weight 0..100 per scorer name; unknown names are rejected with their field path. */
export const ScorerWeights = Type.Object(
  Object.fromEntries(
    SCORER_WEIGHT_NAMES.map((name) => [name, Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))]),
  ) as { [K in ScorerWeightName]: TOptional<TNumber> },
  { additionalProperties: false },
);
export type ScorerWeights = Static<typeof ScorerWeights>;

export const Requirements = Type.Object(
  {
    latency: Type.Optional(Type.Array(LatencyRequirement, { maxItems: 64 })),
    jurisdiction: Type.Optional(
      Type.Object(
        {
          allowedCountries: Type.Optional(Type.Array(Country, { maxItems: 64, uniqueItems: true })),
          deniedCountries: Type.Optional(Type.Array(Country, { maxItems: 64, uniqueItems: true })),
          euOnly: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    providerAttributes: Type.Optional(
      Type.Object(
        {
          headquartersCountries: Type.Optional(Type.Array(Country, { maxItems: 64, uniqueItems: true })),
          headquartersEU: Type.Optional(Type.Boolean()),
          certifications: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
          attributes: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 256 }))),
        },
        { additionalProperties: false },
      ),
    ),
    categories: Type.Optional(
      Type.Object(
        {
          /** Only these categories. */
          allowed: Type.Optional(Type.Array(CategorySchema, { uniqueItems: true })),
          /** Tried in order before falling back to the rest of `allowed` (edge first, overflow to cloud). */
          preferred: Type.Optional(Type.Array(CategorySchema, { uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Upper bound on the hourly price of one replica of a component. */
    maxPricePerHour: Type.Optional(Type.Number({ minimum: 0 })),
    spread: Type.Optional(
      Type.Object(
        {
          /** Replicas of a component on distinct sites. */
          sites: Type.Optional(Type.Boolean()),
          /** Replicas of a component at distinct providers. */
          providers: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    tolerations: Type.Optional(Type.Array(Toleration, { maxItems: 32 })),
    /** Scorer weights 0..100; missing ones take defaults. */
    weights: Type.Optional(ScorerWeights),
    /** Hard upper bound on grid carbon intensity (gCO2e/kWh × PUE) of the chosen site. */
    maxCarbonIntensity: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type Requirements = Static<typeof Requirements>;

export const Component = Type.Object(
  {
    name: Name,
    runtime: Type.Optional(RuntimeSchema),
    /**
     * The runtimes this component may run on, in preference order (e.g. [container, process]); placement picks a
     * site offering one of them and the first of them that site offers. Takes precedence over `runtime`.
     */
    runtimes: Type.Optional(Type.Array(RuntimeSchema, { minItems: 1, maxItems: 4, uniqueItems: true })),
    artifact: Artifact,
    ports: Type.Optional(Type.Array(Port, { maxItems: 16 })),
    resources: Type.Optional(ComponentResources),
    env: Type.Optional(Type.Array(EnvVar, { maxItems: 256 })),
    healthCheck: Type.Optional(HealthCheck),
    connections: Type.Optional(Type.Array(Connection, { maxItems: 32 })),
    /** Replicas per area of service (default 1). */
    replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    restartPolicy: Type.Optional(
      Type.Union([Type.Literal('Always'), Type.Literal('OnFailure'), Type.Literal('Never')]),
    ),
    /** Component-specific requirements, merged over the application's. */
    requirements: Type.Optional(Requirements),
  },
  { additionalProperties: false },
);
export type Component = Static<typeof Component>;

/** The runtimes a component allows, in preference order: `runtimes`, else `[runtime]`, else process. */
export const allowedRuntimes = (c: Pick<Component, 'runtime' | 'runtimes'>): RuntimeKind[] =>
  c.runtimes?.length ? [...c.runtimes] : [c.runtime ?? 'process'];

/** The first of `allowed` that `offered` contains (undefined: none). */
export const chooseRuntime = (
  allowed: readonly RuntimeKind[],
  offered: readonly RuntimeKind[],
): RuntimeKind | undefined => allowed.find((r) => offered.includes(r));

export const ApplicationSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    components: Type.Array(Component, { minItems: 1, maxItems: 64 }),
    requirements: Type.Optional(Requirements),
  },
  { additionalProperties: false },
);
export type ApplicationSpec = Static<typeof ApplicationSpec>;

export const ApplicationStatus = Type.Object(
  { conditions: Type.Optional(Conditions), observedGeneration: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
);
export type ApplicationStatus = Static<typeof ApplicationStatus>;
