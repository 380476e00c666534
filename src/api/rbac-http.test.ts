// The RBAC matrix through real HTTP: every role × kind × action × own/other tenant against the shared expectation table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allKinds, kindByName } from '../model/index.js';
import { ROLES, type Role } from '../security/principal.js';
import { actionsOf, type Action } from '../security/rbac/policy.js';
import { EXPECT, TENANT, expected } from '../security/rbac/testing/expectations.js';
import { SPECS, forceDelete, validObject, type Ctx } from './testing/kind-fixtures.js';
import { startMatrixEnv, type MatrixEnv } from './testing/matrix-env.js';
import type { HttpAnswer } from './testing/secure-env.js';

let env: MatrixEnv;
beforeAll(async () => {
  env = await startMatrixEnv();
}, 60_000);
afterAll(() => env?.stop());

/** Actions the policy knows but no HTTP route serves: every role must get 404 there. */
const NOT_SERVED = new Set(['Deployment get/logs']);
const READS: readonly Action[] = ['get', 'list', 'watch', 'get/status', 'get/logs', 'get/data'];
const MERGE = { 'content-type': 'application/merge-patch+json' };

type Cell = [Role, string, Action, Ctx];
const cells = (pred: (a: Action) => boolean): Cell[] => {
  const out: Cell[] = [];
  for (const role of ROLES)
    for (const kind of allKinds().map((k) => k.kind))
      for (const action of actionsOf(kind))
        for (const ctx of ['own', 'other'] as const) if (pred(action)) out.push([role, kind, action, ctx]);
  return out;
};

/** Names in an SSE watch stream's ADDED events. */
const watchedNames = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as { type: string; object: { metadata: { name: string } } })
    .filter((e) => e.type === 'ADDED')
    .map((e) => e.object.metadata.name);

/** Sends the request for one cell and reads the decision off the answer; anything but allow or 403 is reported. */
async function decide([role, kind, action, ctx]: Cell): Promise<{ allowed: boolean; r: HttpAnswer }> {
  const item = env.itemUrl(kind, ctx);
  const name = env.nameOf(kind, ctx);
  const store = env.cp.store;
  const def = kindByName(kind)!;
  const current = async () =>
    (await store.get(def, def.namespaced ? validObject(kind, ctx).namespace : undefined, name))!;
  let r: HttpAnswer;
  let ok = (a: HttpAnswer) => a.status >= 200 && a.status < 300;
  switch (action) {
    case 'get':
      r = await env.as(role, 'GET', item);
      break;
    case 'get/status':
      r = await env.as(role, 'GET', `${item}/status`);
      break;
    case 'get/logs':
      r = await env.as(role, 'GET', `${item}/logs`);
      break;
    case 'get/data':
      r = await env.as(role, 'GET', item);
      expect(r.body?.spec?.encrypted, 'ciphertext is never served').toBeUndefined();
      ok = (a) => a.status === 200 && typeof a.body.spec.data?.password === 'string';
      if (r.status === 200 && !ok(r)) return { allowed: false, r };
      break;
    case 'list':
      r = await env.as(role, 'GET', env.collectionUrl(kind, ctx));
      if (r.status === 200)
        return {
          allowed: (r.body.items as Array<{ metadata: { name: string } }>).some((o) => o.metadata.name === name),
          r,
        };
      break;
    case 'watch':
      r = await env.as(role, 'GET', `${env.collectionUrl(kind, ctx)}?watch=true&timeoutSeconds=1`);
      if (r.status === 200) return { allowed: watchedNames(r.text).includes(name), r };
      break;
    case 'create':
      if (kind === 'Token') {
        r = await env.as(role, 'POST', '/auth/v1/tokens', { role: 'end-user', tenant: TENANT[ctx], ttlSeconds: 600 });
      } else {
        await forceDelete(store, def, validObject(kind, ctx).namespace, name);
        r = await env.as(role, 'POST', env.collectionUrl(kind, ctx), validObject(kind, ctx).object);
        await env.reset(kind, ctx);
      }
      break;
    case 'update': {
      const cur = await current();
      r = await env.as(role, 'PUT', item, { ...cur, metadata: { ...cur.metadata, labels: { touched: role } } });
      break;
    }
    case 'patch':
      r = await env.as(role, 'PATCH', item, { metadata: { labels: { patched: role } } }, MERGE);
      break;
    case 'delete':
      r = await env.as(role, 'DELETE', item);
      await env.reset(kind, ctx);
      break;
    case 'update/status':
      r = await env.as(role, 'PUT', `${item}/status`, { ...(await current()), status: (await current()).status ?? {} });
      break;
    case 'patch/status':
      r = await env.as(role, 'PATCH', `${item}/status`, { status: {} }, MERGE);
      break;
  }
  if (ok(r)) return { allowed: true, r };
  return { allowed: false, r };
}

async function runCells(
  list: Cell[],
  parallel: boolean,
): Promise<{ allows: string[]; denies: string[]; odd: string[] }> {
  const allows: string[] = [];
  const denies: string[] = [];
  const odd: string[] = [];
  const one = async (c: Cell) => {
    const [role, kind, action, ctx] = c;
    const label = `${role} ${action} ${kind} (${ctx})`;
    const { allowed, r } = await decide(c);
    if (NOT_SERVED.has(`${kind} ${action}`)) {
      if (r.status !== 404) odd.push(`${label}: ${r.status} on a route that should not exist`);
      return;
    }
    if (!allowed && r.status !== 403 && !(r.status === 200 && ['list', 'watch', 'get/data'].includes(action)))
      odd.push(`${label}: unexpected ${r.status} ${r.text.slice(0, 160)}`);
    const want = expected(role, kind, ctx).has(action);
    if (allowed && !want) allows.push(label);
    if (!allowed && want) denies.push(label);
  };
  if (parallel) {
    // Reads run 200 at a time (a watch cell holds its stream open for a second).
    const queue = [...list];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await one(c);
    };
    await Promise.all(Array.from({ length: 200 }, worker));
  } else {
    // Writes to one fixture run in order; fixtures are independent, except that Namespace cells
    // delete the namespaces everything else lives in, so they run first and alone.
    const groups = new Map<string, Cell[]>();
    // A Deployment's fixture needs the Application fixture (admission checks the reference): same group.
    const keyOf = ([, kind, , ctx]: Cell) =>
      kind === 'Token'
        ? `Token/${ctx}`
        : `${kind === 'Deployment' ? 'Application' : kind}/${validObject(kind, ctx).namespace ?? ''}/${validObject(kind, ctx).name}`;
    for (const c of list) groups.set(keyOf(c), [...(groups.get(keyOf(c)) ?? []), c]);
    const run = async (cs: Cell[]) => {
      for (const c of cs) await one(c);
    };
    for (const [k, cs] of groups) if (k.startsWith('Namespace/')) await run(cs);
    await Promise.all([...groups].filter(([k]) => !k.startsWith('Namespace/')).map(([, cs]) => run(cs)));
  }
  return { allows, denies, odd };
}

describe('RBAC matrix over HTTP', () => {
  it('has an HTTP fixture and an expectation for every registered kind', () => {
    const kinds = allKinds()
      .map((k) => k.kind)
      .sort();
    expect(Object.keys(SPECS).sort()).toEqual(kinds);
    expect(Object.keys(EXPECT.admin).sort()).toEqual(kinds);
  });

  it('reads (get, list, watch, status, logs, secret values): exactly the expected decisions, 0 unexpected allows', async () => {
    const res = await runCells(
      cells((a) => READS.includes(a)),
      true,
    );
    expect(res.allows, 'unexpected allows').toEqual([]);
    expect(res.denies, 'unexpected denies').toEqual([]);
    expect(res.odd, 'answers that are neither allow nor 403').toEqual([]);
  }, 60_000);

  it('writes (create, update, patch, delete, status update/patch): exactly the expected decisions, 0 unexpected allows', async () => {
    const res = await runCells(
      cells((a) => !READS.includes(a)),
      false,
    );
    expect(res.allows, 'unexpected allows').toEqual([]);
    expect(res.denies, 'unexpected denies').toEqual([]);
    expect(res.odd, 'answers that are neither allow nor 403').toEqual([]);
  }, 120_000);
});
