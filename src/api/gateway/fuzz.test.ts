// Gateway fuzz: 10,000 generated paths, encodings and headers through real HTTP; no 5xx, and the canary on
// loopback (which many of them name) is never reached.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentKind, NamespaceKind, UserAreaKind } from '../../model/index.js';
import { deployment, namespace, userArea } from '../../model/testing/index.js';
import { SqliteBackend, Store } from '../../store/index.js';
import { createApiServer } from '../server.js';
import { StaticTokenSecurity } from '../testing/static-security.js';
import { echoUpstream, rawRequest, readySite, type Upstream } from './testing/index.js';

const RUNS = 10_000;
const SEED = 1219;
const CONCURRENCY = 16;
const TOKEN = 'fuzz-token';
let app: FastifyInstance;
let store: Store;
let port: number;
let web: Upstream;
let canary: Upstream;

beforeAll(async () => {
  store = new Store(new SqliteBackend({ path: ':memory:' }));
  await store.create(NamespaceKind, namespace('default'));
  await store.create(DeploymentKind, deployment('default', 'shop'));
  await store.create(UserAreaKind, userArea('madrid'));
  await readySite(store, 'edge-1');
  [web, canary] = await Promise.all([echoUpstream('web'), echoUpstream('canary')]);
  const d = (await store.get(DeploymentKind, 'default', 'shop'))!;
  await store.updateStatus(DeploymentKind, {
    ...d,
    status: {
      phase: 'Running',
      endpoints: [
        { component: 'web', site: 'edge-1', url: web.url },
        { component: 'api', site: 'edge-1', url: web.url },
      ],
    },
  });
  app = await createApiServer({ store, security: new StaticTokenSecurity(TOKEN), version: 'test' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  await web?.close();
  await canary?.close();
});

/** Pieces an attacker combines: other origins, separators and their encodings, dot segments, odd characters. */
function pieces(canaryPort: number): string[] {
  const hp = `127.0.0.1:${canaryPort}`;
  return [
    '',
    '/',
    '//',
    '///',
    '\\',
    '\\\\',
    '%5C',
    '%5c%5C',
    '%2F',
    '%2f%2F',
    '%252F',
    '.',
    '..',
    '%2e',
    '%2E%2e',
    '.%2e',
    '%c0%ae',
    '~web',
    '~api',
    '~nope',
    '~',
    hp,
    `@${hp}`,
    `localhost:${canaryPort}`,
    `http:${hp}`,
    `http://${hp}`,
    `https://${hp}`,
    `//${hp}`,
    `\\\\${hp}`,
    `%5C%5C${hp}`,
    `/%2F${hp}`,
    `[::1]:${canaryPort}`,
    'a',
    'cart',
    'é',
    '%C3%A9',
    '%00',
    '%0d%0a',
    '%zz',
    '%',
    ';',
    ':',
    '@',
    '#',
    '?',
    '?x=1',
    '&',
    '=',
    '+',
    '*',
    '$',
    "'",
    '(',
    ')',
    '%3F',
    '%23',
    '%40',
    'file:',
    'javascript:',
    '\u00a0',
  ];
}

interface Case {
  path: string;
  headers: Record<string, string>;
  method: string;
}

function cases(canaryPort: number): Case[] {
  const hp = `127.0.0.1:${canaryPort}`;
  const piece = fc.oneof(fc.constantFrom(...pieces(canaryPort)), fc.string({ maxLength: 6 }));
  const target = fc.constantFrom('/gw/default/shop', '/gw/default/shop/', '/gw/default/shop/~api', '/gw/default/x');
  const header = fc.oneof(
    fc.constant<[string, string]>(['host', hp]),
    fc.constant<[string, string]>(['x-forwarded-host', hp]),
    fc.constant<[string, string]>(['forwarded', `for=1.2.3.4;host=${hp}`]),
    fc.constant<[string, string]>(['x-continuum-area', 'madrid']),
    fc.tuple(fc.constant('x-continuum-area'), fc.constantFrom('nowhere', '', '../x', 'MADRID')),
    fc.constant<[string, string]>(['x-continuum-identity', 'forged']),
    fc.constant<[string, string]>(['connection', 'close, x-a']),
    fc.constant<[string, string]>(['cookie', 'session=1']),
    fc.tuple(fc.constantFrom('x-a', 'x-b', 'accept', 'referer'), fc.string({ maxLength: 12 })),
  );
  const arb = fc.record({
    target,
    parts: fc.array(piece, { maxLength: 8 }),
    joiner: fc.constantFrom('/', '', '//', '\\'),
    headers: fc.array(header, { maxLength: 4 }),
    method: fc.constantFrom('GET', 'GET', 'POST', 'DELETE', 'HEAD'),
  });
  return fc.sample(arb, { numRuns: RUNS, seed: SEED }).map((c) => ({
    // Raw bytes on the request line: anything printable goes; the server must answer it, never with 5xx.
    path: `${c.target}${c.parts.length ? '/' : ''}${c.parts.join(c.joiner)}`.replace(/[\s\u0000-\u001f\u007f]/g, '%20'),
    headers: Object.fromEntries(
      c.headers
        .filter(([, v]) => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v) || v === '')
        .map(([k, v]) => [k, v]),
    ),
    method: c.method,
  }));
}

describe('gateway fuzz', () => {
  it(`${RUNS} generated requests: 0 5xx, 0 reach another origin than the workload`, async () => {
    const all = cases(canary.port);
    expect(all.length).toBe(RUNS);
    const statuses = new Map<number, number>();
    const fives: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < all.length) {
        const c = all[next++];
        const r = await rawRequest(port, {
          method: c.method,
          path: c.path,
          headers: { authorization: `Bearer ${TOKEN}`, ...c.headers },
          ...(c.method === 'POST' ? { body: 'x' } : {}),
        });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status >= 500) fives.push(`${c.method} ${c.path} ${JSON.stringify(c.headers)} → ${r.status} ${r.body}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `gateway fuzz: ${RUNS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `${web.seen.length} reached the workload, ${canary.seen.length} the canary`,
    );
    expect(fives.slice(0, 10)).toEqual([]);
    expect(canary.seen).toEqual([]);
    // What reached the workload never names another origin in its request line.
    for (const s of web.seen) expect(s.url, s.url).toMatch(/^\/(?!\/)/);
    expect(web.seen.length).toBeGreaterThan(RUNS / 10);
  }, 300_000);
});
