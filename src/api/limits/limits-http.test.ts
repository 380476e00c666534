// Abuse limits through real HTTP: per-address limits on bad credentials and bootstrap, bounded audit growth, per-tenant and per-subject limits.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/testing/wait.js';
import { securityPaths } from '../../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from '../testing/secure-env.js';

const auditRecords = (env: SecureEnv) =>
  readFileSync(securityPaths(env.dataDir).auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

interface Shot {
  status: number;
  retryAfter: string | null;
  type: string | null;
  body: any;
}

/** Sends `n` requests over real HTTP, `concurrency` at a time; `make(i)` gives path, method and token of request i. */
async function flood(
  url: string,
  n: number,
  concurrency: number,
  make: (i: number) => { path: string; method?: string; token?: string },
): Promise<Shot[]> {
  const out: Shot[] = new Array<Shot>(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const m = make(i);
      const r = await fetch(`${url}${m.path}`, {
        method: m.method ?? 'GET',
        headers: m.token ? { authorization: `Bearer ${m.token}` } : {},
      });
      const text = await r.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      out[i] = {
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        type: r.headers.get('content-type'),
        body,
      };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

const count = (shots: Shot[], status: number) => shots.filter((s) => s.status === status).length;

describe('per-address limits on failed and bootstrap requests', () => {
  let env: SecureEnv;
  const burst = 20;
  const rate = 1;
  const windowMs = 2_000;
  beforeAll(async () => {
    env = await startSecureEnv({
      runControllers: false,
      addressLimits: {
        failures: { ratePerSecond: rate, burst },
        bootstrap: { ratePerSecond: 0.1, burst: 3 },
        auditWindowMs: windowMs,
      },
    });
  }, 30_000);
  afterAll(() => env?.stop());

  it('limits a flood of 5,000 bad-token requests after the burst and grows the audit log by a bounded count', async () => {
    const before = auditRecords(env).length;
    // A well-formed JWT shape with a forged signature, and garbage: both 401 while the address has budget.
    const forged = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJjb250aW51dW0iLCJzdWIiOiJhZG1pbiJ9.AAAA';
    const started = Date.now();
    const shots = await flood(env.cp.url, 5_000, 32, (i) => ({
      path: `${BASE}/sites`,
      token: i % 2 ? forged : `garbage-${i}`,
    }));
    const seconds = (Date.now() - started) / 1000;
    const unauth = count(shots, 401);
    const limited = count(shots, 429);
    expect(unauth + limited).toBe(5_000);
    // The burst, plus what the bucket refilled while the flood ran.
    expect(unauth).toBeGreaterThanOrEqual(burst);
    expect(unauth).toBeLessThanOrEqual(burst + Math.ceil(seconds * rate) + 1);
    const refusal = shots.find((s) => s.status === 429)!;
    expect(refusal.type).toMatch(/^application\/problem\+json/);
    expect(refusal.body).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect(refusal.body.detail ?? refusal.body.title).toMatch(/client address/);
    expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);

    // A valid credential from the same (blocked) address still works: addresses behind one NAT are not locked out.
    expect((await env.req(env.adminToken, 'GET', `${BASE}/sites`)).status).toBe(200);

    // After the window the suppressed refusals appear as summary records with their count.
    const summaries = await waitFor(
      () => {
        const s = auditRecords(env)
          .slice(before)
          .filter((r) => r.action === 'refused');
        const counted = s.reduce((n, r) => n + (r.count as number), 0);
        return counted >= limited - Math.ceil((seconds * 1000) / windowMs) - 1 && s;
      },
      'summary audit records of the refused flood',
      windowMs * 5,
    );
    const grown = auditRecords(env).length - before;
    const windows = Math.ceil((seconds * 1000) / windowMs) + 1;
    console.log(
      `flood: 5000 requests in ${seconds.toFixed(1)}s → ${unauth}×401, ${limited}×429; ` +
        `audit log grew by ${grown} records (${summaries.length} summaries covering ` +
        `${summaries.reduce((n, r) => n + (r.count as number), 0)} refusals)`,
    );
    // One record per 401, one per window's first refusal, one summary per window (+1 for the admin read above).
    expect(grown).toBeLessThanOrEqual(unauth + 2 * windows + 1);
    expect(summaries[0]).toMatchObject({ status: 429, code: 'TooManyRequests', actor: { ip: '127.0.0.1' } });
  }, 120_000);

  it('limits bootstrap exchanges per address with 429 + Retry-After', async () => {
    const shots = await flood(env.cp.url, 6, 1, () => ({
      path: '/agent/v1/bootstrap',
      method: 'POST',
      token: 'not-a-bootstrap-token',
    }));
    expect(shots.map((s) => s.status)).toEqual([401, 401, 401, 429, 429, 429]);
    expect(shots[3].body.detail ?? shots[3].body.title).toMatch(/bootstrap rate limit/);
    expect(Number(shots[3].retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('per-tenant and per-subject rate limits', () => {
  let env: SecureEnv;
  beforeAll(async () => {
    // Default subject limit (50/s, burst 100: 6 subjects alone would pass all 600); the tenant's burst is the
    // default 300 with a slow refill, so the count of passes does not depend on how busy the machine is.
    env = await startSecureEnv({
      runControllers: false,
      namespaces: ['acme', 'other'],
      tenantRateLimit: { ratePerSecond: 1, burst: 300 },
    });
  }, 30_000);
  afterAll(() => env?.stop());

  it('600 parallel requests on 6 tokens (6 subjects) of one tenant get 429s naming the tenant', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 6; i++)
      tokens.push((await env.issue({ role: 'use-case-admin', tenant: 'acme', subject: `user-${i}@acme` })).token);
    const outsider = (await env.issue({ role: 'use-case-admin', tenant: 'other', subject: 'user@other' })).token;
    const before = auditRecords(env).length;
    const started = Date.now();
    const shots = await flood(env.cp.url, 600, 600, (i) => ({
      path: `${BASE}/namespaces/acme/applications`,
      token: tokens[i % 6],
    }));
    const seconds = (Date.now() - started) / 1000;
    const limited = shots.filter((s) => s.status === 429);
    console.log(`tenant: 600 requests on 6 subjects → ${count(shots, 200)}×200, ${limited.length}×429`);
    expect(count(shots, 200) + limited.length).toBe(600);
    expect(count(shots, 200)).toBeLessThanOrEqual(300 + Math.ceil(seconds) + 1);
    expect(limited[0].body.detail ?? limited[0].body.title).toMatch(/tenant acme/);
    expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
    // Another tenant is not affected.
    expect((await env.req(outsider, 'GET', `${BASE}/namespaces/other/applications`)).status).toBe(200);
    // Refusals are audited once per subject and window, not one record each.
    const refusals = auditRecords(env)
      .slice(before)
      .filter((r) => r.status === 429 && r.action !== 'refused');
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThanOrEqual(6);
  }, 60_000);

  it('minting more tokens for one subject does not buy more requests', async () => {
    const small = await startSecureEnv({ runControllers: false, rateLimit: { ratePerSecond: 1, burst: 10 } });
    try {
      const tokens: string[] = [];
      for (let i = 0; i < 6; i++) tokens.push((await small.issue({ role: 'auditor', subject: 'one-auditor' })).token);
      const started = Date.now();
      const shots = await flood(small.cp.url, 60, 60, (i) => ({ path: `${BASE}/sites`, token: tokens[i % 6] }));
      const seconds = (Date.now() - started) / 1000;
      const limited = shots.filter((s) => s.status === 429);
      expect(count(shots, 200)).toBeLessThanOrEqual(10 + Math.ceil(seconds) + 1);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].body.detail ?? limited[0].body.title).toMatch(/subject one-auditor/);
    } finally {
      await small.stop();
    }
  }, 60_000);
});
