// Losing the store's PostgreSQL connection answers 503 + Retry-After (never 500) and /readyz says so without detail.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy, waitFor } from '../lib/testing/index.js';
import { SiteKind } from '../model/index.js';
import { site } from '../model/testing/index.js';
import { Store } from '../store/index.js';
import { PostgresBackend } from '../store/postgres/backend.js';
import { PG_URL, PgTestDatabase, SKIP_PG } from '../store/postgres/testing/harness.js';
import { createApiServer } from './server.js';
import { StaticTokenSecurity } from './testing/static-security.js';

const TOKEN = 'test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const SITES = '/apis/continuum.eu/v1alpha1/sites';
const db = new PgTestDatabase();
const pgPort = Number(new URL(PG_URL).port || 5432);
const proxy = new TcpProxy(pgPort);
let app: FastifyInstance;
let store: Store;
let schema: string;

describe.skipIf(SKIP_PG)('store outage (PostgreSQL behind a loopback proxy)', () => {
  beforeAll(async () => {
    await db.check();
    const url = new URL(PG_URL);
    url.port = String(await proxy.start());
    schema = db.freshSchema();
    store = new Store(await PostgresBackend.open({ connectionString: url.toString(), schema, poolSize: 4 }));
    app = await createApiServer({ store, security: new StaticTokenSecurity(TOKEN), version: 'test' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await proxy.kill();
    await db.dropAll();
  });

  it('answers 503 + Retry-After while the connection is down, and recovers when it is back', async () => {
    expect((await app.inject({ method: 'POST', url: SITES, headers: auth, payload: site('before') })).statusCode).toBe(
      201,
    );
    await proxy.kill();
    const answers = [
      await app.inject({ url: SITES, headers: auth }),
      await app.inject({ url: `${SITES}/before`, headers: auth }),
      await app.inject({ method: 'POST', url: SITES, headers: auth, payload: site('during') }),
    ];
    for (const r of answers) {
      expect(r.statusCode, r.body).toBe(503);
      expect(r.headers['retry-after']).toBe('2');
      expect(r.json()).toMatchObject({ code: 'Unavailable' });
      // No internal detail (addresses, driver messages) in the answer.
      expect(r.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/i);
    }
    const anon = await app.inject({ url: '/readyz' });
    expect(anon.statusCode).toBe(503);
    expect(anon.json().detail).toBe('not ready: store');
    expect(anon.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/i);
    const operator = await app.inject({ url: '/readyz', headers: auth });
    expect(operator.json().detail).toMatch(/^not ready: store: store unavailable: /);

    await proxy.start();
    await waitFor(async () => (await app.inject({ url: SITES, headers: auth })).statusCode === 200, 'reads to recover');
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const after = await app.inject({ method: 'POST', url: SITES, headers: auth, payload: site('after') });
    expect(after.statusCode).toBe(201);
    expect((await store.list(SiteKind)).items.map((s) => s.metadata.name)).toEqual(['after', 'before']);
  });

  it('connections killed by the server (pg_terminate_backend) give 503s at worst, never 500', async () => {
    const statuses = new Set<number>();
    for (let round = 0; round < 5; round++) {
      await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1', [
        `continuum%${schema}`,
      ]);
      const rs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2
            ? app.inject({ url: SITES, headers: auth })
            : app.inject({ method: 'POST', url: SITES, headers: auth, payload: site(`t-${round}-${i}`) }),
        ),
      );
      for (const r of rs) {
        statuses.add(r.statusCode);
        if (r.statusCode === 503) expect(r.headers['retry-after']).toBe('2');
      }
    }
    expect([...statuses].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    await waitFor(async () => (await app.inject({ url: SITES, headers: auth })).statusCode === 200, 'reads to recover');
  });
});
