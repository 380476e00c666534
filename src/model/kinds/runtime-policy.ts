// RuntimePolicy (per namespace) and ApprovedArtifact (cluster catalogue): what a tenant's components may run.
import { Type, type Static } from 'typebox';
import { RuntimeSchema } from './common.js';

const Pattern = Type.String({ minLength: 1, maxLength: 1024 });
const Sha256 = Type.String({ pattern: '^[a-f0-9]{64}$' });

/**
 * Written by cloud-edge admins, never by the tenant: the runtimes on which this namespace's components may run
 * artifacts of their own choosing, optionally narrowed by glob patterns (`*` any run of characters, `?` one).
 * Several policies in a namespace add up. A namespace without one runs only ApprovedArtifacts.
 */
export const RuntimePolicySpec = Type.Object(
  {
    runtimes: Type.Array(RuntimeSchema, { minItems: 1, maxItems: 4, uniqueItems: true }),
    /** Patterns `artifact.command` must match (process and function runtimes); absent: any command. */
    commands: Type.Optional(Type.Array(Pattern, { minItems: 1, maxItems: 64 })),
    /** Patterns `artifact.image` must match (container and kubernetes runtimes); absent: any image. */
    images: Type.Optional(Type.Array(Pattern, { minItems: 1, maxItems: 64 })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export type RuntimePolicySpec = Static<typeof RuntimePolicySpec>;

/**
 * An artifact a cloud-edge admin approved for every namespace. Process: `command` (exactly as components write
 * it), `sha256` of the program file (the resolved command, or `programFile` for an interpreter's script; the
 * process driver verifies it before every start) and, for interpreters, the pinned `args`. Container: `image`
 * pinned by digest (name@sha256:…).
 */
export const ApprovedArtifactSpec = Type.Object(
  {
    command: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** When given, a component's args must be exactly these (required with `programFile`). */
    args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 })),
    programFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    sha256: Type.Optional(Sha256),
    image: Type.Optional(Type.String({ pattern: '^[^@\\s]+@sha256:[a-f0-9]{64}$', maxLength: 512 })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export type ApprovedArtifactSpec = Static<typeof ApprovedArtifactSpec>;

export const RuntimePolicyStatus = Type.Object({}, { additionalProperties: false });
export type RuntimePolicyStatus = Static<typeof RuntimePolicyStatus>;
