// What ApiQuota counts: which objects, their stored size, the tenant a Token record counts against.
import { SYSTEM_NAMESPACE, type AnyResource } from '../../model/index.js';

/** Kinds that never count: Events are bounded by retention instead (src/controllers/events). */
const EXEMPT_KINDS = new Set(['Event']);

/** Stored size in bytes of JSON; a Secret's `stringData` counts as the base64 `data` it is stored as. */
export function sizeOf(o: AnyResource): number {
  let n = Buffer.byteLength(JSON.stringify(o));
  const plain = (o.spec as { stringData?: Record<string, unknown> } | undefined)?.stringData;
  if (o.kind === 'Secret' && plain)
    for (const v of Object.values(plain)) {
      const len = Buffer.byteLength(String(v));
      n += Math.ceil(len / 3) * 4 - len;
    }
  return n;
}
export const keyOf = (o: AnyResource): string => `${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
export const counted = (o: AnyResource): boolean =>
  !EXEMPT_KINDS.has(o.kind) && !!o.metadata.namespace && o.metadata.namespace !== SYSTEM_NAMESPACE;

/** The tenant a Token record counts against while valid, or undefined. */
export function tokenOf(o: AnyResource, now: number): { tenant: string; until: number } | undefined {
  if (o.kind !== 'Token') return undefined;
  const s = o.spec as { tenant?: string; revoked?: boolean; expiresAt?: string };
  const until = Date.parse(s.expiresAt ?? '');
  if (!s.tenant || s.revoked || !(until > now)) return undefined;
  return { tenant: s.tenant, until };
}
