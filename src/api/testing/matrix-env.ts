// The HTTP RBAC matrix environment: a control plane with every fixture of the expectation table and a token per role.
import { allKinds, kindByName } from '../../model/index.js';
import { ROLES, type Role } from '../../security/principal.js';
import { SITE, TENANT } from '../../security/rbac/testing/expectations.js';
import { resetFixture, validObject, type Ctx } from './kind-fixtures.js';
import { BASE, startSecureEnv, type HttpAnswer, type SecureEnv } from './secure-env.js';

export interface MatrixEnv extends SecureEnv {
  /** A token per role: tenant roles in tenant-a, the agent bound to site-a (via a bootstrap exchange). */
  tokens: Record<Role, string>;
  /** Names of the Token fixtures (end-user tokens of tenant-a / tenant-b); they change when a fixture is re-issued. */
  tokenNames: Record<Ctx, string>;
  itemUrl(kind: string, ctx: Ctx): string;
  collectionUrl(kind: string, ctx: Ctx): string;
  nameOf(kind: string, ctx: Ctx): string;
  /** Recreates a fixture after a write that changed or removed it. */
  reset(kind: string, ctx: Ctx): Promise<void>;
  as(role: Role, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
}

/** Fixtures are created in dependency order: namespaces and sites first. */
const ORDER = (k: string) => (k === 'Namespace' ? 0 : k === 'Site' ? 1 : 2);

export async function startMatrixEnv(): Promise<MatrixEnv> {
  // Logs come from a stub source: the matrix checks who may read them, not the agent tunnel.
  const logs = {
    logs: async function* () {
      yield 'a log line';
    },
  };
  // The matrix checks decisions, not abuse limits (src/api/limits tests those): every limit is lifted.
  const unlimited = { ratePerSecond: 1e6, burst: 1e6 };
  const env = await startSecureEnv({
    runControllers: false,
    rateLimit: unlimited,
    tenantRateLimit: unlimited,
    addressLimits: { failures: unlimited, bootstrap: unlimited },
    logs,
  });
  const kinds = allKinds()
    .map((k) => k.kind)
    .filter((k) => k !== 'Token')
    .sort((a, b) => ORDER(a) - ORDER(b));
  for (const k of kinds) for (const ctx of ['own', 'other'] as const) await resetFixture(env.cp.store, k, ctx);
  const issueFixture = async (ctx: Ctx) =>
    (await env.issue({ role: 'end-user', tenant: TENANT[ctx], ttlSeconds: 3600 })).id;
  const tokenNames: Record<Ctx, string> = { own: await issueFixture('own'), other: await issueFixture('other') };
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    if (role === 'agent') tokens[role] = await env.agentToken(SITE.own);
    else
      tokens[role] = (
        await env.issue({ role, ...(role === 'use-case-admin' || role === 'end-user' ? { tenant: TENANT.own } : {}) })
      ).token;
  }
  const nameOf = (kind: string, ctx: Ctx) => (kind === 'Token' ? tokenNames[ctx] : validObject(kind, ctx).name);
  const collectionUrl = (kind: string, ctx: Ctx) => {
    const def = kindByName(kind)!;
    return def.namespaced
      ? `${BASE}/namespaces/${validObject(kind, ctx).namespace}/${def.plural}`
      : `${BASE}/${def.plural}`;
  };
  return {
    ...env,
    tokens,
    tokenNames,
    nameOf,
    collectionUrl,
    itemUrl: (kind, ctx) => `${collectionUrl(kind, ctx)}/${nameOf(kind, ctx)}`,
    async reset(kind, ctx) {
      if (kind !== 'Token') return resetFixture(env.cp.store, kind, ctx);
      const cur = await env.cp.store.get(kindByName('Token')!, undefined, tokenNames[ctx]);
      if (!cur || (cur.spec as { revoked?: boolean }).revoked) tokenNames[ctx] = await issueFixture(ctx);
    },
    as: (role, method, url, body, headers) => env.req(tokens[role], method, url, body, headers),
  };
}
