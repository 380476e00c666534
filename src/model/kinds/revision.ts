// ControllerRevision: an immutable snapshot of the Application spec a Deployment rolled out (rollout history/undo).
import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { Name } from '../meta.js';
import { ApplicationSpec } from './application.js';

/** Revisions kept per Deployment (Kubernetes' default revisionHistoryLimit). */
export const REVISION_HISTORY_LIMIT = 10;

/** Annotation on an Application whose value `rollout history` shows as CHANGE-CAUSE. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export const ControllerRevisionSpec = Type.Object(
  {
    deployment: Name,
    application: Name,
    /** 1, 2, …; rolling back to an old snapshot renumbers it as the newest, as in Kubernetes. */
    revision: Type.Integer({ minimum: 1 }),
    /** revisionHash(applicationSpec): one revision per distinct spec. */
    hash: Type.String({ maxLength: 64 }),
    applicationSpec: ApplicationSpec,
    changeCause: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type ControllerRevisionSpec = Static<typeof ControllerRevisionSpec>;
export const ControllerRevisionStatus = Type.Object({}, { additionalProperties: false });
export type ControllerRevisionStatus = Static<typeof ControllerRevisionStatus>;

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** The hash naming a revision of an Application spec (hex, 16 characters). */
export const revisionHash = (spec: unknown): string =>
  createHash('sha256').update(canonical(spec)).digest('hex').slice(0, 16);
