// Red-team of ApiQuota over real HTTP: other kinds, racing creates, big labels/annotations, status writes, bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { application } from '../model/testing/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let tenant: string; // use-case admin of acme

async function call(method: string, path: string, body?: unknown, raw?: string) {
  const r = await fetch(`${env.cp.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tenant}`,
      ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, body: parsed };
}

const binding = (name: string) => ({
  apiVersion: API_VERSION,
  kind: 'RoleBinding',
  metadata: { name, namespace: 'acme' },
  spec: { role: 'end-user', subjects: [{ kind: 'User', name: `u-${name}` }] },
});
const ns = (kind: string) => `${BASE}/namespaces/acme/${kind}`;
const count = async (kind: string) => (await call('GET', ns(kind))).body.items.length as number;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme'], runControllers: false });
  tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  const q = { apiVersion: API_VERSION, kind: 'ApiQuota', metadata: { name: 'small' }, spec: {} };
  q.spec = { objectsPerKind: 3, bytes: 60_000 };
  const r = await env.req(env.adminToken, 'POST', `${BASE}/namespaces/acme/apiquotas`, q);
  expect(r.status).toBe(201);
}, 60_000);
afterAll(async () => env?.stop());

describe('attack: ApiQuota bypass', () => {
  it('20 racing Application creates leave at most objectsPerKind objects', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call('POST', ns('applications'), application('acme', `race-${i}`))),
    );
    const codes = answers.map((a) => a.status);
    expect(codes.filter((c) => c === 201).length).toBe(3);
    expect(codes.every((c) => c === 201 || c === 403)).toBe(true);
    expect(await count('applications')).toBe(3);
  });

  it('another kind the tenant may write (RoleBinding) is counted too', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await call('POST', ns('rolebindings'), binding(`b${i}`))).status);
    expect(codes).toEqual([201, 201, 201, 403, 403]);
  });

  it('large annotations and labels count toward bytes, on create and on update', async () => {
    const apps = await call('GET', ns('applications'));
    const victim = apps.body.items[0];
    // Grow an existing object through annotations: over the 60 kB budget.
    victim.metadata.annotations = { 'x.example/blob': 'a'.repeat(70_000) };
    const grow = await call('PUT', `${ns('applications')}/${victim.metadata.name}`, victim);
    expect(grow.status).toBeGreaterThanOrEqual(400);
    expect(grow.status).toBeLessThan(500);
    // Many labels: either a validation refusal or the quota, never stored beyond the budget nor a 500.
    const labels = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`l${i}`, 'v'.repeat(60)]));
    victim.metadata.annotations = {};
    victim.metadata.labels = labels;
    const many = await call('PUT', `${ns('applications')}/${victim.metadata.name}`, victim);
    expect(many.status).toBeGreaterThanOrEqual(400);
    expect(many.status).toBeLessThan(500);
  });

  it('a tenant cannot write status (which the quota never refuses) to grow the namespace', async () => {
    const apps = await call('GET', ns('applications'));
    const victim = apps.body.items[0];
    victim.status = { blob: 'z'.repeat(200_000) };
    const r = await call('PUT', `${ns('applications')}/${victim.metadata.name}/status`, victim);
    expect([403, 404, 405]).toContain(r.status);
  });

  it('malformed and oversized bodies are client errors, never 500', async () => {
    expect((await call('POST', ns('applications'), undefined, '{"kind":')).status).toBe(400);
    const huge = await call('POST', ns('applications'), undefined, JSON.stringify({ x: 'y'.repeat(20 * 1024 * 1024) }));
    expect([400, 413]).toContain(huge.status);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const d = await call('POST', ns('applications'), undefined, deep);
    expect(d.status).toBeGreaterThanOrEqual(400);
    expect(d.status).toBeLessThan(500);
  });
});
