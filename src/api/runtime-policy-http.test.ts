// Runtime policy over HTTP: a tenant runs its own command only where an admin's policy or the catalogue allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { application, component, deployment } from '../model/testing/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let tenant: string; // use-case admin of acme
let cea: string; // cloud-edge admin
const DIGEST = 'b'.repeat(64);

const policy = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'RuntimePolicy',
  metadata: { name, namespace: ns },
  spec,
});
const approved = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'ApprovedArtifact',
  metadata: { name },
  spec,
});
const apps = (ns: string) => `${BASE}/namespaces/${ns}/applications`;
const policies = (ns: string) => `${BASE}/namespaces/${ns}/runtimepolicies`;

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme', 'other'], runControllers: false, runtimePolicy: 'enforce' });
  tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  cea = (await env.issue({ role: 'cloud-edge-admin' })).token;
}, 60_000);
afterAll(async () => env?.stop());

describe('RuntimePolicy and ApprovedArtifact admission', () => {
  it('without a policy a tenant cannot run its own command, nor grant itself one', async () => {
    const r = await env.req(tenant, 'POST', apps('acme'), application('acme', 'sh', { components: [component('x')] }));
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('Forbidden');
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        field: 'spec.components[0].runtime',
        message: expect.stringMatching(/runtime process may not run this command in namespace acme: no RuntimePolicy/),
      }),
    ]);
    // Dry run says the same; the tenant may not write a policy or a catalogue entry for itself.
    expect((await env.req(tenant, 'POST', `${apps('acme')}?dryRun=All`, application('acme', 'sh'))).status).toBe(403);
    const own = await env.req(tenant, 'POST', policies('acme'), policy('acme', 'mine', { runtimes: ['process'] }));
    expect(own.status).toBe(403);
    const cat = approved('mine', { command: '/bin/sh', sha256: DIGEST });
    expect((await env.req(tenant, 'POST', `${BASE}/approvedartifacts`, cat)).status).toBe(403);
    // It may read its namespace's policies (to learn what is allowed), not other namespaces'.
    expect((await env.req(tenant, 'GET', policies('acme'))).status).toBe(200);
    expect((await env.req(tenant, 'GET', policies('other'))).status).toBe(403);
  });

  it("a cloud-edge admin's policy allows runtimes, narrowed by patterns; other namespaces stay closed", async () => {
    const p = policy('acme', 'node-only', { runtimes: ['process'], commands: ['node', '/usr/bin/node*'] });
    expect((await env.req(cea, 'POST', policies('acme'), p)).status).toBe(201);
    expect((await env.req(tenant, 'POST', apps('acme'), application('acme', 'web'))).status).toBe(201);
    const sh = application('acme', 'sh', { components: [component('x', { artifact: { command: '/bin/sh' } })] });
    const refused = await env.req(tenant, 'POST', apps('acme'), sh);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toMatch(/its policies allow: process, with patterns/);
    // A component allowing [container, process]: the container option is not allowed, named by its index.
    const both = application('acme', 'both', {
      components: [component('x', { runtimes: ['container', 'process'], artifact: { command: 'node', image: 'i' } })],
    });
    const r = await env.req(tenant, 'POST', apps('acme'), both);
    expect(r.status).toBe(403);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['spec.components[0].runtimes[0]']);
    // The same policy does nothing for another namespace.
    expect((await env.req(cea, 'POST', apps('other'), application('other', 'web'))).status).toBe(403);
  });

  it('an approved artifact runs without a policy, but not with hooks that run other code', async () => {
    const entry = approved('hello', { command: '/opt/hello/bin/hello', sha256: DIGEST });
    expect((await env.req(cea, 'POST', `${BASE}/approvedartifacts`, entry)).status).toBe(201);
    const artifact = { command: '/opt/hello/bin/hello', sha256: DIGEST };
    const ok = application('other', 'hello', { components: [component('h', { artifact })] });
    expect((await env.req(env.adminToken, 'POST', apps('other'), ok)).status).toBe(201);
    // A different digest is not the approved artifact.
    const wrong = application('other', 'wrong', {
      components: [component('h', { artifact: { ...artifact, sha256: 'c'.repeat(64) } })],
    });
    expect((await env.req(env.adminToken, 'POST', apps('other'), wrong)).status).toBe(403);
    const hooked = application('other', 'hooked', {
      components: [
        component('h', {
          artifact,
          env: [{ name: 'LD_PRELOAD', value: '/home/workload/x.so' }],
          healthCheck: { exec: { command: ['/bin/sh', '-c', 'id'] } },
        }),
      ],
    });
    const r = await env.req(env.adminToken, 'POST', apps('other'), hooked);
    expect(r.status).toBe(403);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'spec.components[0].healthCheck.exec',
      'spec.components[0].env[0].name',
    ]);
    // A Deployment's env override is held to the same rule.
    const dep = deployment('other', 'hello', { overrides: { h: { env: [{ name: 'NODE_OPTIONS', value: 'x' }] } } });
    const d = await env.req(env.adminToken, 'POST', `${BASE}/namespaces/other/deployments`, dep);
    expect(d.status).toBe(403);
    expect(d.body.errors[0].field).toBe('spec.overrides.h.env[0].name');
    // An interpreter entry must pin its args (else `node -e ...` would pass as the approved script).
    const loose = approved('loose', { command: 'node', programFile: '/opt/x.mjs', sha256: DIGEST });
    const l = await env.req(cea, 'POST', `${BASE}/approvedartifacts`, loose);
    expect(l.status).toBe(422);
    expect(l.body.errors[0].field).toBe('spec.args');
  });

  it('revoking the policy refuses new Deployments of an application admitted under it', async () => {
    expect((await env.req(cea, 'DELETE', `${policies('acme')}/node-only`)).status).toBe(200);
    const r = await env.req(tenant, 'POST', `${BASE}/namespaces/acme/deployments`, deployment('acme', 'web'));
    expect(r.status).toBe(403);
    expect(r.body.errors[0].field).toBe('(application component web).runtime');
  });
});
