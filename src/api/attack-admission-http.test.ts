// Red-team of runtime admission over HTTP: a hostile tenant tries to run code of its own choosing without a policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../model/index.js';
import { application, component, deployment } from '../model/testing/index.js';
import { BASE, startSecureEnv, type SecureEnv } from './testing/secure-env.js';

let env: SecureEnv;
let tenant: string; // use-case admin of acme (no RuntimePolicy in acme)
let beta: string; // use-case admin of beta
let cea: string; // cloud-edge admin
const DIGEST = 'b'.repeat(64);
const IMAGE = `registry.example/hello@sha256:${'c'.repeat(64)}`;
const HELLO = { command: '/opt/hello/bin/hello', sha256: DIGEST };

const approved = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: API_VERSION,
  kind: 'ApprovedArtifact',
  metadata: { name },
  spec,
});
const apps = (ns: string) => `${BASE}/namespaces/${ns}/applications`;
const post = (body: unknown) => env.req(tenant, 'POST', apps('acme'), body);
const fields = (r: { body: { errors?: { field: string }[] } }) => (r.body.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  env = await startSecureEnv({ namespaces: ['acme', 'beta'], runControllers: false, runtimePolicy: 'enforce' });
  tenant = (await env.issue({ role: 'use-case-admin', tenant: 'acme' })).token;
  beta = (await env.issue({ role: 'use-case-admin', tenant: 'beta' })).token;
  cea = (await env.issue({ role: 'cloud-edge-admin' })).token;
  for (const a of [approved('hello', HELLO), approved('hello-image', { image: IMAGE })])
    expect((await env.req(cea, 'POST', `${BASE}/approvedartifacts`, a)).status).toBe(201);
}, 60_000);
afterAll(async () => env?.stop());

describe('attack: arbitrary code through the ApprovedArtifact catalogue', () => {
  it('the approved artifact itself is admitted (control: the attacks below fail for the attack, not the setup)', async () => {
    const ok = application('acme', 'ok', { components: [component('h', { artifact: HELLO })] });
    expect((await post(ok)).status).toBe(201);
    const img = application('acme', 'img', {
      components: [component('h', { runtime: 'container', artifact: { image: IMAGE } })],
    });
    expect((await post(img)).status).toBe(201);
  });

  it('function runtime: an approved command with a handler of its own is refused (the handler is what runs)', async () => {
    const fn = application('acme', 'fn', {
      components: [component('f', { runtime: 'function', artifact: { ...HELLO, handler: '/tmp/evil.mjs#handler' } })],
    });
    const r = await post(fn);
    expect(r.status).toBe(403);
    expect(fields(r)).toEqual(['spec.components[0].runtime']);
  });

  it("function runtime under a policy: the command patterns hold the handler's module, not the ignored command", async () => {
    const p = {
      apiVersion: API_VERSION,
      kind: 'RuntimePolicy',
      metadata: { name: 'fns', namespace: 'beta' },
      spec: { runtimes: ['function'], commands: ['/srv/fns/*'] },
    };
    expect((await env.req(cea, 'POST', `${BASE}/namespaces/beta/runtimepolicies`, p)).status).toBe(201);
    const fn = (name: string, artifact: Record<string, unknown>) =>
      application('beta', name, { components: [component('f', { runtime: 'function', artifact })] });
    const evil = await env.req(
      beta,
      'POST',
      apps('beta'),
      fn('evil', { command: '/srv/fns/ok', handler: '/tmp/e.mjs' }),
    );
    expect(evil.status).toBe(403);
    const ok = await env.req(beta, 'POST', apps('beta'), fn('good', { handler: '/srv/fns/ok.mjs#handle' }));
    expect(ok.status).toBe(201);
  });

  it("a policy's directory pattern cannot be escaped with '..' in the command", async () => {
    const p = {
      apiVersion: API_VERSION,
      kind: 'RuntimePolicy',
      metadata: { name: 'tools', namespace: 'beta' },
      spec: { runtimes: ['process'], commands: ['/opt/tools/*'] },
    };
    expect((await env.req(cea, 'POST', `${BASE}/namespaces/beta/runtimepolicies`, p)).status).toBe(201);
    const proc = (name: string, command: string) =>
      application('beta', name, { components: [component('p', { artifact: { command } })] });
    for (const command of ['/opt/tools/../../tmp/evil', '/opt/tools/./../../bin/sh'])
      expect((await env.req(beta, 'POST', apps('beta'), proc('esc', command))).status, command).toBe(403);
    expect((await env.req(beta, 'POST', apps('beta'), proc('tool', '/opt/tools/bin/ok'))).status).toBe(201);
  });

  it('container runtime: an approved image with a command of its own is refused', async () => {
    const sh = application('acme', 'sh', {
      components: [
        component('c', { runtime: 'container', artifact: { image: IMAGE, command: '/bin/sh', args: ['-c', 'id'] } }),
      ],
    });
    const r = await post(sh);
    expect(r.status).toBe(403);
    expect(fields(r)).toEqual(['spec.components[0].runtime']);
  });

  it('container runtime: an approved image may not carry an exec health check nor loader hooks', async () => {
    const hooked = application('acme', 'hooked', {
      components: [
        component('c', {
          runtime: 'container',
          artifact: { image: IMAGE },
          env: [{ name: 'LD_PRELOAD', value: '/tmp/x.so' }],
          healthCheck: { exec: { command: ['/bin/sh', '-c', 'id'] } },
        }),
      ],
    });
    const r = await post(hooked);
    expect(r.status).toBe(403);
    expect(fields(r)).toEqual(['spec.components[0].healthCheck.exec', 'spec.components[0].env[0].name']);
  });

  it('updating an admitted Application to another command is refused (PUT and merge patch)', async () => {
    const cur = await env.req(tenant, 'GET', `${apps('acme')}/ok`);
    expect(cur.status).toBe(200);
    const swapped = structuredClone(cur.body);
    swapped.spec.components[0].artifact = { command: '/bin/sh', args: ['-c', 'id'] };
    const put = await env.req(tenant, 'PUT', `${apps('acme')}/ok`, swapped);
    expect(put.status).toBe(403);
    const patch = await env.req(
      tenant,
      'PATCH',
      `${apps('acme')}/ok`,
      {
        spec: {
          components: [
            { name: 'h', artifact: { ...HELLO, args: ['--evil'] }, env: [{ name: 'BASH_ENV', value: 'x' }] },
          ],
        },
      },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(403);
    // JSON patch and server-side apply go through the same admission.
    const ops = [{ op: 'replace', path: '/spec/components/0/artifact', value: { command: '/bin/sh' } }];
    const jp = await env.req(tenant, 'PATCH', `${apps('acme')}/ok`, ops, {
      'content-type': 'application/json-patch+json',
    });
    expect([jp.status, fields(jp)]).toEqual([403, ['spec.components[0].runtime']]);
    const applied = application('acme', 'ok', { components: [component('h', { artifact: { command: '/bin/sh' } })] });
    const ssa = await env.req(tenant, 'PATCH', `${apps('acme')}/ok?fieldManager=evil&force=true`, applied, {
      'content-type': 'application/apply-patch+json',
    });
    expect([ssa.status, fields(ssa)]).toEqual([403, ['spec.components[0].runtime']]);
    const created = await env.req(
      tenant,
      'PATCH',
      `${apps('acme')}/new-one?fieldManager=evil`,
      { ...applied, metadata: { name: 'new-one', namespace: 'acme' } },
      {
        'content-type': 'application/apply-patch+json',
      },
    );
    expect([created.status, fields(created)]).toEqual([403, ['spec.components[0].runtime']]);
    const after = await env.req(tenant, 'GET', `${apps('acme')}/ok`);
    expect(after.body.spec.components[0].artifact).toEqual(HELLO);
  });

  it('an approved process may not carry PATH or OpenSSL/glibc/shell hooks that run other code', async () => {
    const names = ['PATH', 'OPENSSL_CONF', 'GLIBC_TUNABLES', 'SHELLOPTS', 'PS4', 'NODE_REPL_EXTERNAL_MODULE'];
    const env_ = names.map((name) => ({ name, value: '/home/workload/x' }));
    const r = await post(application('acme', 'envs', { components: [component('h', { artifact: HELLO, env: env_ })] }));
    expect(r.status).toBe(403);
    expect(fields(r)).toEqual(names.map((_, i) => `spec.components[0].env[${i}].name`));
  });

  it('a Deployment of an approved app may not add hook env through an override, on create or on update', async () => {
    const plain = await env.req(tenant, 'POST', `${BASE}/namespaces/acme/deployments`, deployment('acme', 'ok'));
    expect(plain.status).toBe(201);
    const cur = plain.body;
    cur.spec.overrides = { h: { env: [{ name: 'LD_AUDIT', value: '/tmp/x.so' }] } };
    const put = await env.req(tenant, 'PUT', `${BASE}/namespaces/acme/deployments/ok`, cur);
    expect(put.status).toBe(403);
    expect(fields(put)).toEqual(['spec.overrides.h.env[0].name']);
  });

  it('a tenant cannot write its own quotas nor bypass admission through the status subresource', async () => {
    const quota = {
      apiVersion: API_VERSION,
      kind: 'ComputeQuota',
      metadata: { name: 'mine', namespace: 'acme' },
      spec: { hard: { cpu: 1000 } },
    };
    expect((await env.req(tenant, 'POST', `${BASE}/namespaces/acme/computequotas`, quota)).status).toBe(403);
    const aq = { ...quota, kind: 'ApiQuota', spec: {} };
    expect((await env.req(tenant, 'POST', `${BASE}/namespaces/acme/apiquotas`, aq)).status).toBe(403);
    const cur = await env.req(tenant, 'GET', `${apps('acme')}/ok`);
    const viaStatus = structuredClone(cur.body);
    viaStatus.spec.components[0].artifact = { command: '/bin/sh' };
    const s = await env.req(tenant, 'PUT', `${apps('acme')}/ok/status`, viaStatus);
    expect([403, 404, 405]).toContain(s.status);
    const after = await env.req(tenant, 'GET', `${apps('acme')}/ok`);
    expect(after.body.spec.components[0].artifact).toEqual(HELLO);
  });
});
