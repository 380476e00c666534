// Reads that hand out sensitive data are audited with the client address: Secret values (get, list) and workload logs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, WorkloadKind } from '../model/index.js';
import { workload } from '../model/testing/index.js';
import { securityPaths } from '../security/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let uca: string;
const records = () =>
  readFileSync(securityPaths(env.dataDir).auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);
const byClientId = (id: string) => records().filter((r) => r.clientRequestId === id);

beforeAll(async () => {
  env = await startSecureEnv({
    runControllers: false,
    namespaces: ['acme'],
    logs: {
      logs: async function* () {
        yield 'a log line';
      },
    },
  });
  uca = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  await env.cp.store.create(WorkloadKind, workload('acme', 'w1'));
  const secret = {
    apiVersion: API_VERSION,
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'acme' },
    spec: { stringData: { password: 'hunter2' } },
  };
  expect((await env.req(uca, 'POST', `${BASE}/namespaces/acme/secrets`, secret)).status).toBe(201);
}, 30_000);
afterAll(() => env?.stop());

describe('audited reads', () => {
  it.each([
    ['get of a Secret', `${BASE}/namespaces/acme/secrets/db`, 'get', 'Secret'],
    ['list of Secrets', `${BASE}/namespaces/acme/secrets`, 'list', 'Secret'],
    ['workload logs', `${BASE}/namespaces/acme/workloads/w1/logs`, 'get/logs', 'Workload'],
  ])('%s: one record with subject, client address and both request ids', async (name, url, action, kind) => {
    const tag = `read-${action.replace('/', '-')}`;
    const r = await env.req(uca, 'GET', url, undefined, { 'x-request-id': tag });
    expect(r.status, r.text).toBe(200);
    const recs = byClientId(tag);
    expect(recs, name).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      action,
      resource: { kind, namespace: 'acme' },
      outcome: 'allowed',
      actor: { subject: expect.stringMatching(/^use-case-admin@acme~/), ip: '127.0.0.1' },
    });
    expect(recs[0].requestId).toBe(r.headers['x-request-id']);
    expect(JSON.stringify(recs[0])).not.toContain('hunter2');
  });

  it('does not audit ordinary reads', async () => {
    await env.req(uca, 'GET', `${BASE}/namespaces/acme/workloads`, undefined, { 'x-request-id': 'plain-read' });
    expect(byClientId('plain-read')).toEqual([]);
  });
});
