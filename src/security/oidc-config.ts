// Reads the external OpenID Connect issuers a control plane trusts (`--oidc-config FILE`, JSON or YAML).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { OidcIssuerConfig } from './oidc.js';
import { isRole, type Role } from './principal.js';

const KEYS = new Set([
  'name',
  'issuer',
  'jwksUri',
  'audience',
  'claims',
  'roleMap',
  'allowedRoles',
  'algorithms',
  'subjectPrefix',
  'clockToleranceSeconds',
]);
const CLAIM_KEYS = new Set(['subject', 'roles', 'tenant', 'groups']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Key material must come over TLS, except from the local machine (tests, sidecars). */
function checkUrl(where: string, v: unknown): string {
  if (typeof v !== 'string') throw new Error(`${where} must be a URL`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`${where} ${JSON.stringify(v)} is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname)))
    throw new Error(`${where} must use https (http only on loopback)`);
  return v;
}

const nameFrom = (issuer: string): string => new URL(issuer).hostname.replace(/[^a-z0-9-]/gi, '-').toLowerCase();

/**
 * Validates one issuer entry (deny by default: unknown fields, roles that do not exist and
 * non-TLS key URLs are errors, so a typo cannot silently widen or disable a mapping).
 */
export function parseOidcIssuer(raw: unknown, i: number): OidcIssuerConfig {
  const at = `oidc issuer [${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${at} must be an object`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new Error(`${at}: unknown field ${JSON.stringify(k)}`);
  const issuer = checkUrl(`${at}.issuer`, o.issuer);
  const jwksUri = checkUrl(`${at}.jwksUri`, o.jwksUri);
  const aud = o.audience;
  if (
    !(typeof aud === 'string' && aud) &&
    !(Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string' && a))
  )
    throw new Error(`${at}.audience must be a string or a non-empty list of strings`);
  const claims = (o.claims ?? {}) as Record<string, unknown>;
  if (typeof claims !== 'object' || Array.isArray(claims)) throw new Error(`${at}.claims must be an object`);
  for (const [k, v] of Object.entries(claims)) {
    if (!CLAIM_KEYS.has(k))
      throw new Error(`${at}.claims: unknown field ${JSON.stringify(k)} (use subject, roles, tenant, groups)`);
    if (typeof v !== 'string' || !v) throw new Error(`${at}.claims.${k} must be a claim name`);
  }
  const roleMap = (o.roleMap ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(roleMap))
    if (!isRole(v)) throw new Error(`${at}.roleMap.${k}: unknown role ${JSON.stringify(v)}`);
  const allowed = o.allowedRoles as unknown[] | undefined;
  if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every(isRole)))
    throw new Error(`${at}.allowedRoles must list known roles`);
  if (o.algorithms !== undefined && (!Array.isArray(o.algorithms) || !o.algorithms.every((a) => typeof a === 'string')))
    throw new Error(`${at}.algorithms must be a list of names`);
  if (o.name !== undefined && (typeof o.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(o.name)))
    throw new Error(`${at}.name must be a short lowercase name`);
  return {
    name: (o.name as string | undefined) ?? nameFrom(issuer),
    issuer,
    jwksUri,
    audience: aud as string | string[],
    claims: claims as OidcIssuerConfig['claims'],
    ...(o.roleMap ? { roleMap: roleMap as Record<string, Role> } : {}),
    ...(allowed ? { allowedRoles: allowed as Role[] } : {}),
    ...(o.algorithms ? { algorithms: o.algorithms as string[] } : {}),
    ...(typeof o.subjectPrefix === 'string' ? { subjectPrefix: o.subjectPrefix } : {}),
    ...(typeof o.clockToleranceSeconds === 'number' ? { clockToleranceSeconds: o.clockToleranceSeconds } : {}),
  };
}

/** Parses the file's text: a list of issuers, or `{issuers: [...]}`. Issuer URLs and names must be unique. */
export function parseOidcConfig(text: string): OidcIssuerConfig[] {
  const doc = parse(text) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { issuers?: unknown } | null)?.issuers;
  if (!Array.isArray(list))
    throw new Error('oidc config must be a list of issuers (or an object with an "issuers" list)');
  const out = list.map(parseOidcIssuer);
  for (const f of ['issuer', 'name'] as const) {
    const seen = new Set<string>();
    for (const c of out) {
      if (seen.has(c[f])) throw new Error(`oidc config: ${f} ${JSON.stringify(c[f])} appears twice`);
      seen.add(c[f]);
    }
  }
  return out;
}

/** Reads and validates `--oidc-config FILE`. */
export function loadOidcConfig(file: string): OidcIssuerConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read --oidc-config ${file}: ${(e as Error).message}`);
  }
  try {
    return parseOidcConfig(text);
  } catch (e) {
    throw new Error(`--oidc-config ${file}: ${(e as Error).message}`);
  }
}
