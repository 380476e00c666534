// ApiQuota through real HTTP: objects per kind, stored bytes (the 500 × 703 KiB probe), watches, tokens, connections.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/wait.js';
import { BASE, startSecureEnv, type SecureEnv } from '../testing/secure-env.js';

interface Answer {
  status: number;
  type: string | null;
  retryAfter: string | null;
  body: any;
}

async function call(env: SecureEnv, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const r = await fetch(`${env.cp.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    retryAfter: r.headers.get('retry-after'),
    body: parsed,
  };
}

/** Opens a watch over real HTTP and keeps it open; resolves once the answer's head arrived. */
async function openWatch(env: SecureEnv, token: string, ns: string) {
  const ac = new AbortController();
  const r = await fetch(`${env.cp.url}${BASE}/namespaces/${ns}/deployments?watch=true`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: ac.signal,
  });
  const body = r.status === 200 ? undefined : JSON.parse(await r.text());
  return {
    status: r.status,
    body,
    retryAfter: r.headers.get('retry-after'),
    close: () => {
      ac.abort();
      r.body?.cancel().catch(() => undefined);
    },
  };
}

const secret = (name: string, size: number) => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Secret',
  metadata: { name },
  spec: { stringData: { blob: 'x'.repeat(size) } },
});

const quota = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'ApiQuota',
  metadata: { name },
  spec,
});

describe('ApiQuota over real HTTP', () => {
  let env: SecureEnv;
  let tenant: string;
  let other: string;

  beforeAll(async () => {
    env = await startSecureEnv({ namespaces: ['acme', 'flood', 'other', 'tok', 'conn'] });
    tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
    other = (await env.issue({ role: 'use-case-admin', tenant: 'flood' })).token;
  }, 60_000);
  afterAll(async () => env?.stop());

  it('refuses the 500 × 703 KiB probe under the default quota, naming the quota and its limit', async () => {
    const size = 703 * 1024;
    const shots: Answer[] = [];
    let next = 0;
    // Four in parallel: admission reserves what it admits, so a burst cannot overshoot the limit.
    const worker = async () => {
      for (let i = next++; i < 500; i = next++) {
        const r = await call(env, other, 'POST', `${BASE}/namespaces/flood/secrets`, secret(`blob-${i}`, size));
        shots.push(r);
        if (r.status !== 201) return;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const created = shots.filter((s) => s.status === 201).length;
    const refused = shots.filter((s) => s.status !== 201);
    const db = ['continuum.db', 'continuum.db-wal']
      .map((f) => join(env.dataDir, f))
      .reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
    console.log(
      `703 KiB Secrets: ${created} created, then refused (default bytes limit 64 MiB); ` +
        `database files ${(db / 2 ** 20).toFixed(0)} MiB (objects + watch history)`,
    );
    expect(created).toBeGreaterThan(10);
    expect(created).toBeLessThan(100);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.code).toBe('QuotaExceeded');
      expect(r.body.detail).toContain('the control-plane default quota');
      expect(r.body.detail).toContain(`at most ${64 * 1024 * 1024} bytes`);
      expect(r.body.errors[0].field).toBe('quota.bytes');
    }
    // Still refused afterwards, and the other tenant is unaffected.
    expect((await call(env, other, 'POST', `${BASE}/namespaces/flood/secrets`, secret('late', size))).status).toBe(403);
    expect((await call(env, tenant, 'POST', `${BASE}/namespaces/acme/secrets`, secret('fine', 1000))).status).toBe(201);
    // Deleting frees room.
    for (let i = 0; i < 3; i++) await call(env, other, 'DELETE', `${BASE}/namespaces/flood/secrets/blob-${i}`);
    await waitFor(
      async () =>
        (await call(env, other, 'POST', `${BASE}/namespaces/flood/secrets`, secret('after', size))).status === 201,
      'a create after deletes freed room',
    );
  }, 180_000);

  it('an ApiQuota limits objects per kind; usage and limits show in its status; tenants cannot raise it', async () => {
    const made = await call(
      env,
      env.adminToken,
      'POST',
      `${BASE}/namespaces/acme/apiquotas`,
      quota('small', {
        objects: { Secret: 3 },
        bytes: 100_000,
      }),
    );
    expect(made.status).toBe(201);
    // `fine` exists already: two more fit.
    for (const n of ['s1', 's2'])
      expect((await call(env, tenant, 'POST', `${BASE}/namespaces/acme/secrets`, secret(n, 10))).status).toBe(201);
    const r = await call(env, tenant, 'POST', `${BASE}/namespaces/acme/secrets`, secret('s3', 10));
    expect(r.status).toBe(403);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.code).toBe('QuotaExceeded');
    expect(r.body.detail).toContain('at most 3 Secret objects');
    expect(r.body.detail).toContain('ApiQuota acme/small');
    expect(r.body.errors[0]).toMatchObject({ field: 'quota.objects.Secret' });
    // Growing an object beyond the namespace's bytes is refused the same way.
    const grow = await call(env, tenant, 'PUT', `${BASE}/namespaces/acme/secrets/s1`, secret('s1', 120_000));
    expect([grow.status, grow.body.code, grow.body.errors[0].field]).toEqual([403, 'QuotaExceeded', 'quota.bytes']);
    expect(grow.body.detail).toContain('at most 100000 bytes');
    const status = await waitFor(async () => {
      const q = await call(env, tenant, 'GET', `${BASE}/namespaces/acme/apiquotas/small`);
      return q.body.status?.used?.objects?.Secret === 3 ? q.body.status : undefined;
    }, 'ApiQuota status shows 3 Secrets used');
    expect(status.hard.objects.Secret).toBe(3);
    expect(status.conditions[0]).toMatchObject({ type: 'WithinLimits', status: 'False', reason: 'LimitReached' });
    // The tenant's own admin may read the quota but not change or delete it.
    const raise = await call(env, tenant, 'PUT', `${BASE}/namespaces/acme/apiquotas/small`, quota('small', {}));
    expect(raise.status).toBe(403);
    expect((await call(env, tenant, 'DELETE', `${BASE}/namespaces/acme/apiquotas/small`)).status).toBe(403);
    expect((await call(env, tenant, 'POST', `${BASE}/namespaces/acme/apiquotas`, quota('mine', {}))).status).toBe(403);
  }, 60_000);

  it('bounds tokens minted for a namespace', async () => {
    await call(env, env.adminToken, 'POST', `${BASE}/namespaces/tok/apiquotas`, quota('tokens', { tokens: 2 }));
    await waitFor(async () => {
      const q = await call(env, env.adminToken, 'GET', `${BASE}/namespaces/tok/apiquotas/tokens`);
      return q.body.status?.hard?.tokens === 2;
    }, 'the token quota is in force');
    for (let i = 0; i < 2; i++) await env.issue({ role: 'end-user', tenant: 'tok' });
    const r = await call(env, env.adminToken, 'POST', '/auth/v1/tokens', {
      role: 'end-user',
      tenant: 'tok',
      ttlSeconds: 600,
    });
    expect(r.status).toBe(403);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.code).toBe('QuotaExceeded');
    expect(r.body.detail).toContain('at most 2 valid tokens');
    expect(r.body.detail).toContain('ApiQuota tok/tokens');
  }, 60_000);

  it('bounds open watches of a tenant (429 naming the quota); closing one frees its slot', async () => {
    await call(env, env.adminToken, 'POST', `${BASE}/namespaces/other/apiquotas`, quota('streams', { watches: 3 }));
    const user = (await env.issue({ role: 'end-user', tenant: 'other' })).token;
    await waitFor(async () => {
      const q = await call(env, env.adminToken, 'GET', `${BASE}/namespaces/other/apiquotas/streams`);
      return q.body.status?.hard?.watches === 3;
    }, 'the watch quota is in force');
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await openWatch(env, user, 'other'));
    expect(open.map((w) => w.status)).toEqual([200, 200, 200]);
    const fourth = await openWatch(env, user, 'other');
    expect(fourth.status).toBe(429);
    expect(fourth.retryAfter).toBe('5');
    expect(fourth.body.code).toBe('TooManyRequests');
    expect(fourth.body.detail).toContain('at most 3 open watches');
    expect(fourth.body.detail).toContain('ApiQuota other/streams');
    const status = await waitFor(async () => {
      const q = await call(env, user, 'GET', `${BASE}/namespaces/other/apiquotas/streams`);
      return q.body.status?.used?.watches === 3 ? q.body.status : undefined;
    }, 'status counts 3 open watches');
    expect(status.used.connections).toBeGreaterThanOrEqual(3);
    open[0].close();
    const again = await waitFor(async () => {
      const w = await openWatch(env, user, 'other');
      if (w.status === 200) return w;
      w.close();
      return undefined;
    }, 'a watch after one was closed');
    for (const w of [...open, again]) w.close();
  }, 60_000);

  it('the probe of 2,000 watches: the default quota accepts 100 per tenant, then 429', async () => {
    const user = (await env.issue({ role: 'end-user', tenant: 'flood' })).token;
    const open: Array<Awaited<ReturnType<typeof openWatch>>> = [];
    let refused: Awaited<ReturnType<typeof openWatch>> | undefined;
    for (let i = 0; i < 2000 && !refused; i++) {
      const w = await openWatch(env, user, 'flood');
      if (w.status === 200) open.push(w);
      else refused = w;
    }
    console.log(`watches: ${open.length} accepted, then ${refused?.status}`);
    expect(open.length).toBe(100);
    expect(refused?.status).toBe(429);
    expect(refused?.body.detail).toContain('at most 100 open watches (watches of the control-plane default quota)');
    for (const w of open) w.close();
  }, 120_000);

  it('bounds concurrent connections of a tenant', async () => {
    await call(env, env.adminToken, 'POST', `${BASE}/namespaces/conn/apiquotas`, quota('conn', { connections: 3 }));
    const user = (await env.issue({ role: 'end-user', tenant: 'conn' })).token;
    await waitFor(async () => {
      const q = await call(env, env.adminToken, 'GET', `${BASE}/namespaces/conn/apiquotas/conn`);
      return q.body.status?.hard?.connections === 3;
    }, 'the connection quota is in force');
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await openWatch(env, user, 'conn'));
    expect(open.map((w) => w.status)).toEqual([200, 200, 200]);
    const r = await call(env, user, 'GET', `${BASE}/namespaces/conn/deployments`);
    expect(r.status).toBe(429);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.detail).toContain('at most 3 concurrent connections');
    expect(r.body.detail).toContain('ApiQuota conn/conn');
    for (const w of open) w.close();
    await waitFor(
      async () => (await call(env, user, 'GET', `${BASE}/namespaces/conn/deployments`)).status === 200,
      'requests pass once the watches closed',
    );
  }, 60_000);
});
