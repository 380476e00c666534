// Namespace: a tenant. Namespaced objects live in exactly one.
import { Type, type Static } from 'typebox';
import { Conditions } from '../meta.js';
import { Resources } from './common.js';

/** The control plane's own namespace: Events about cluster-scoped objects (Sites, Providers ...) go here. */
export const SYSTEM_NAMESPACE = 'continuum-system';

export const NamespaceSpec = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    /** Upper bound on what the tenant's workloads may request in total. */
    quota: Type.Optional(Resources),
  },
  { additionalProperties: false },
);
export type NamespaceSpec = Static<typeof NamespaceSpec>;
export const NamespaceStatus = Type.Object(
  {
    phase: Type.Optional(Type.Union([Type.Literal('Active'), Type.Literal('Terminating')])),
    conditions: Type.Optional(Conditions),
  },
  { additionalProperties: false },
);
export type NamespaceStatus = Static<typeof NamespaceStatus>;
