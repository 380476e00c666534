// Retention through real HTTP: a flood of large writes keeps the event history within its byte bound, and Events
// are bounded per namespace by count, bytes and TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/testing/wait.js';
import { EventKind } from '../model/index.js';
import { BASE, startSecureEnv, type SecureEnv } from '../api/testing/secure-env.js';

async function call(
  env: SecureEnv,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${env.cp.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${env.adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) };
  } catch {
    return { status: r.status, body: text };
  }
}

const event = (i: number) => ({
  apiVersion: 'continuum.eu/v1alpha1',
  kind: 'Event',
  metadata: { name: `flood-${String(i).padStart(4, '0')}` },
  spec: {
    involvedObject: { kind: 'Namespace', name: 'ev' },
    type: 'Warning',
    reason: 'Flood',
    message: `${i} `.padEnd(4000, 'x'),
    firstTimestamp: new Date(Date.now() + i).toISOString(),
    lastTimestamp: new Date(Date.now() + i).toISOString(),
  },
});

describe('retention bounded by bytes', () => {
  const bound = 4 * 1024 * 1024;
  let env: SecureEnv;

  beforeAll(async () => {
    env = await startSecureEnv({
      namespaces: ['big', 'ev'],
      retainBytes: bound,
      eventRetention: { maxPerNamespace: 50, maxBytesPerNamespace: 100_000 },
    });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('60 updates of a 500 KB object keep the watch history within its byte bound; older watchers get 410', async () => {
    const history = () => env.cp.store.backend.historyBytes!();
    const first = await env.cp.store.revision();
    let peak = 0;
    let written = 0;
    for (let i = 0; i < 60; i++) {
      const value = `${i}-`.padEnd(500_000, String.fromCharCode(97 + (i % 26)));
      const body = {
        apiVersion: 'continuum.eu/v1alpha1',
        kind: 'Secret',
        metadata: { name: 'large' },
        spec: { stringData: { v: value } },
      };
      const r =
        i === 0
          ? await call(env, 'POST', `${BASE}/namespaces/big/secrets`, body)
          : await call(env, 'PUT', `${BASE}/namespaces/big/secrets/large`, body);
      expect(r.status).toBeLessThan(300);
      written += value.length;
      peak = Math.max(peak, await history());
    }
    const settled = await waitFor(async () => {
      const n = await history();
      return n <= bound ? n : undefined;
    }, 'history within its byte bound');
    console.log(
      `history: ${(written / 2 ** 20).toFixed(1)} MiB written, peak ${(peak / 2 ** 20).toFixed(2)} MiB, ` +
        `settled ${(settled / 2 ** 20).toFixed(2)} MiB (bound ${bound / 2 ** 20} MiB)`,
    );
    // Between two passes at most an eighth of the bound (plus the write in flight) is added.
    expect(peak).toBeLessThan(bound * 1.5);
    const old = await fetch(`${env.cp.url}${BASE}/namespaces/big/secrets?watch=true&resourceVersion=${first}`, {
      headers: { authorization: `Bearer ${env.adminToken}`, accept: 'text/event-stream' },
    });
    const text = await old.text();
    expect(old.status === 410 || text.includes('410') || text.includes('Gone')).toBe(true);
  }, 180_000);

  it('a flood of large Events keeps each namespace within the Event count and byte bounds, newest kept', async () => {
    for (let i = 0; i < 200; i++)
      expect((await call(env, 'POST', `${BASE}/namespaces/ev/events`, event(i))).status).toBe(201);
    const left = await waitFor(async () => {
      const items = (await env.cp.store.list(EventKind, { namespace: 'ev' })).items;
      const bytes = items.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
      return items.length <= 50 && bytes <= 100_000 ? items : undefined;
    }, 'Events within 50 and 100 000 bytes');
    console.log(`Events: 200 created, ${left.length} kept`);
    expect(left.map((e) => e.metadata.name)).toContain('flood-0199');
    expect(left.map((e) => e.metadata.name)).not.toContain('flood-0000');
  }, 180_000);
});

describe('Event TTL', () => {
  let env: SecureEnv;
  beforeAll(async () => {
    env = await startSecureEnv({ namespaces: ['ev'], eventRetention: { ttlSeconds: 2 } });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('deletes Events their TTL after their last occurrence', async () => {
    for (let i = 0; i < 5; i++)
      expect((await call(env, 'POST', `${BASE}/namespaces/ev/events`, event(i))).status).toBe(201);
    await waitFor(
      async () => (await env.cp.store.list(EventKind, { namespace: 'ev' })).items.length === 0,
      'every Event expired',
    );
  }, 60_000);
});
