// The real kubectl binary against a TLS control plane: discovery, errors as Status, CRUD, query parameters.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing/run.js';
import { hasTool, startKubeEnv, type KubeEnv } from '../testing/kube-env.js';

const exec = promisify(execFile);
const ready = hasTool('kubectl', ['version', '--client']) && hasTool('openssl', ['version']);
let env: KubeEnv;

/** Runs kubectl; resolves with exit code and output instead of throwing. */
async function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await exec('kubectl', args, {
      env: { ...process.env, KUBECONFIG: env.kubeconfig, HOME: env.dir },
      timeout: 60_000,
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

/** Issues a built-in token for `role` through POST /auth/v1/tokens, trusting the test CA. */
function issueToken(role: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${env.url}/auth/v1/tokens`,
      {
        method: 'POST',
        ca: readFileSync(env.caFile),
        headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve((JSON.parse(text) as { token: string }).token));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ role, ttlSeconds: 600 }));
  });
}

const SITE = `apiVersion: continuum.eu/v1alpha1
kind: Site
metadata: {name: kube-1}
spec:
  provider: p
  category: far-edge
  location: {country: DE, latitude: 50.1, longitude: 8.7}
  capacity: {cpu: 4, memory: 8Gi}
`;

describe.skipIf(!ready)('kubectl against Continuum', () => {
  beforeAll(async () => {
    env = await startKubeEnv();
    writeFileSync(join(env.dir, 'site.yaml'), SITE);
  }, 30_000);
  afterAll(() => env?.stop());

  it('version: Kubernetes version.Info shape', async () => {
    const r = await kubectl('version', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    const v = JSON.parse(r.out) as { serverVersion: { major: string; minor: string; gitVersion: string } };
    expect(v.serverVersion.gitVersion).toMatch(/^v\d+\.\d+/);
    expect(v.serverVersion.major).toMatch(/^\d+$/);
  });

  it('api-resources: every kind with short names, verbs and namespacing', async () => {
    const r = await kubectl('api-resources', '--api-group=continuum.eu', '-o', 'wide');
    expect(r.code, r.err).toBe(0);
    const site = r.out.split('\n').find((l) => l.startsWith('sites '));
    expect(site).toMatch(/continuum\.eu\/v1alpha1\s+false\s+Site\s+create,delete,get,list,patch,update,watch/);
    expect(r.out).toMatch(/^deployments\s+\S*deploy\S*\s+continuum\.eu\/v1alpha1\s+true\s+Deployment/m);
  });

  it('errors are Status objects kubectl prints with their reason', async () => {
    const r = await kubectl('get', 'site', 'absent-1');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Error from server (NotFound)');
    expect(r.err).toContain('absent-1');
    // A 422 with field paths reads as kubectl's "is invalid" line naming the field.
    const bad = join(env.dir, 'bad.yaml');
    writeFileSync(bad, SITE.replace('kube-1', 'bad-1').replace('category: far-edge', 'category: 7'));
    const inv = await kubectl('create', '--validate=false', '-f', bad);
    expect(inv.code).not.toBe(0);
    expect(inv.err).toMatch(/"bad-1" is invalid: spec\.category/);
  });

  it('get shows the same columns as `continuum get` (Table), -o wide adds the wide ones', async () => {
    await kubectl('apply', '--validate=false', '-f', join(env.dir, 'site.yaml'));
    const r = await kubectl('get', 'sites');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0].split(/\s+/)).toEqual([
      'NAME',
      'PROVIDER',
      'CATEGORY',
      'COUNTRY',
      'CITY',
      'READY',
      'AGE',
    ]);
    expect(r.out).toMatch(/^kube-1\s+p\s+far-edge\s+DE\s/m);
    const w = await kubectl('get', 'sites', '-o', 'wide');
    expect(w.out.split('\n')[0]).toMatch(/CPU\s+MEMORY/);
    expect(w.out).toMatch(/^kube-1\s.*\s4\s+8Gi\s/m);
  });

  it('get --watch streams changes (NDJSON) until its timeout; wait --for=condition sees a status change', async () => {
    await kubectl('apply', '--validate=false', '-f', join(env.dir, 'site.yaml'));
    const watching = kubectl('get', 'sites', '--watch', '--request-timeout=8s');
    const waiting = kubectl('wait', '--for=condition=Ready', 'site/kube-1', '--timeout=30s');
    let waited = false;
    void waiting.then(() => (waited = true));
    // The label change shows up in the watch; the status change releases the wait.
    await new Promise((r) => setTimeout(r, 1500));
    expect(waited).toBe(false);
    expect((await kubectl('label', 'site', 'kube-1', 'seen=yes')).code).toBe(0);
    const status = {
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Test', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' },
        ],
      },
    };
    const p = await kubectl(
      'patch',
      'site',
      'kube-1',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    );
    expect(p.code, p.err).toBe(0);
    const w = await waiting;
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain('condition met');
    const g = await watching;
    expect(g.out.match(/^kube-1\s+p\s+far-edge/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('auth whoami and auth can-i (protobuf reviews) answer from RBAC, for the admin and for an auditor', async () => {
    const who = await kubectl('auth', 'whoami');
    expect(who.code, who.err).toBe(0);
    expect(who.out).toMatch(/Username\s+admin/);
    expect((await kubectl('auth', 'can-i', 'delete', 'deployments', '-n', 'default')).out.trim()).toBe('yes');
    // An auditor (token issued over HTTPS as the admin) reads but may not delete.
    const token = await issueToken('auditor');
    expect((await kubectl('--token', token, 'auth', 'can-i', 'list', 'sites')).out.trim()).toBe('yes');
    const del = await kubectl('--token', token, 'auth', 'can-i', 'delete', 'sites');
    expect(del.out.trim()).toMatch(/^no/);
    expect(del.code).toBe(1);
    const get = await kubectl('auth', 'can-i', 'frob', 'sites');
    expect(get.out.trim()).toMatch(/^no/);
  });

  it('`continuum kubeconfig --role` writes a kubeconfig kubectl uses as that role', async () => {
    const out = join(env.dir, 'auditor.kubeconfig');
    const r = await runCli(
      'kubeconfig',
      '--server',
      env.url,
      '--token',
      env.token,
      '--ca',
      env.caFile,
      '--role',
      'auditor',
      '--ttl',
      '1h',
      '--output-file',
      out,
    );
    expect(r.code, r.err).toBe(0);
    const as = (...args: string[]) => kubectl('--kubeconfig', out, ...args);
    expect((await as('auth', 'whoami')).out).not.toMatch(/Username\s+admin\b/);
    expect((await as('auth', 'can-i', 'list', 'sites')).out.trim()).toBe('yes');
    expect((await as('auth', 'can-i', 'delete', 'sites')).out.trim()).toMatch(/^no/);
    expect((await as('get', 'sites')).code).toBe(0);
  });

  it('explain reads /openapi/v3 (x-kubernetes-group-version-kind)', async () => {
    const r = await kubectl('explain', 'sites.spec');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/KIND:\s+Site/);
    expect(r.out).toMatch(/^\s+provider\s+<string>/m);
  });

  it('explain --output plaintext-openapiv2 reads /openapi/v2 (gnostic protobuf, x-kubernetes-group-version-kind)', async () => {
    const r = await kubectl('explain', 'sites.spec.capacity', '--output=plaintext-openapiv2');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/KIND:\s+Site/);
    expect(r.out).toMatch(/KIND:\s+Site/);
    expect(r.out).toMatch(/^\s+gpu\s+<integer>/m);
    // cpu is a number or a quantity string: a union Swagger 2.0 cannot type, so it is shown untyped.
    expect(r.out).toMatch(/^\s+cpu\s/m);
  });

  it('apply with kubectl’s default validation: server-side field validation, unknown fields refused by path', async () => {
    const f = join(env.dir, 'site-v.yaml');
    writeFileSync(f, SITE.replace('kube-1', 'kube-v'));
    const ok = await kubectl('apply', '-f', f);
    expect(ok.code, ok.err).toBe(0);
    writeFileSync(f, SITE.replace('kube-1', 'kube-v').replace('  provider: p', '  provider: p\n  bogus: 1'));
    const bad = await kubectl('apply', '-f', f);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/"kube-v" is invalid: spec\.bogus: unknown field/);
  });

  it('diff runs a server-side dry run and shows the change without making it', async () => {
    const f = join(env.dir, 'site2.yaml');
    writeFileSync(f, SITE.replace('cpu: 4', 'cpu: 6'));
    const d = await kubectl('diff', '-f', f);
    expect(d.code, d.err).toBe(1); // kubectl diff: 1 = differences found
    expect(d.out).toMatch(/^\+\s+cpu: 6$/m);
    const y = await kubectl('get', 'site', 'kube-1', '-o', 'jsonpath={.spec.capacity.cpu}');
    expect(y.out).toBe('4');
  });

  it('apply (client-side), get -o yaml, delete', async () => {
    const f = join(env.dir, 'site9.yaml');
    writeFileSync(f, SITE.replace('kube-1', 'kube-9'));
    const a = await kubectl('apply', '--validate=false', '-f', f);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toContain('site.continuum.eu/kube-9 created');
    const again = await kubectl('apply', '--validate=false', '-f', f);
    expect(again.code, again.err).toBe(0);
    const y = await kubectl('get', 'site', 'kube-9', '-o', 'yaml');
    expect(y.code, y.err).toBe(0);
    expect(y.out).toContain('provider: p');
    // Server-side apply of a changed file updates in place.
    writeFileSync(f, SITE.replace('kube-1', 'kube-9').replace('cpu: 4', 'cpu: 3'));
    const ssa = await kubectl('apply', '--server-side', '--validate=false', '-f', f);
    expect(ssa.code, ssa.err).toBe(0);
    expect(ssa.out).toContain('site.continuum.eu/kube-9 serverside-applied');
    expect((await kubectl('get', 'site', 'kube-9', '-o', 'jsonpath={.spec.capacity.cpu}')).out).toBe('3');
    const d = await kubectl('delete', 'site', 'kube-9');
    expect(d.code, d.err).toBe(0);
    expect(d.out).toContain('deleted');
  });

  it('apply --server-side: two field managers, a conflict naming the owner, --force-conflicts', async () => {
    const f = join(env.dir, 'site-ssa.yaml');
    writeFileSync(f, SITE.replace('kube-1', 'kube-ssa'));
    const a = await kubectl('apply', '--server-side', '--field-manager=alice', '-f', f);
    expect(a.code, a.err).toBe(0);
    // Bob sets only the CPU, to a different value: Alice owns it.
    const g = join(env.dir, 'site-ssa-bob.yaml');
    writeFileSync(
      g,
      'apiVersion: continuum.eu/v1alpha1\nkind: Site\nmetadata: {name: kube-ssa}\nspec:\n  capacity: {cpu: 2}\n',
    );
    const b = await kubectl('apply', '--server-side', '--field-manager=bob', '-f', g);
    expect(b.code).not.toBe(0);
    expect(b.err).toContain('Apply failed with 1 conflict: conflict with "alice": .spec.capacity.cpu');
    expect((await kubectl('get', 'site', 'kube-ssa', '-o', 'jsonpath={.spec.capacity.cpu}')).out).toBe('4');
    const forced = await kubectl('apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', g);
    expect(forced.code, forced.err).toBe(0);
    const y = await kubectl('get', 'site', 'kube-ssa', '-o', 'json', '--show-managed-fields');
    const obj = JSON.parse(y.out) as {
      spec: { capacity: { cpu: number; memory: string }; provider: string };
      metadata: { managedFields: Array<{ manager: string; fieldsV1: unknown }> };
    };
    // Bob's apply merged into the object: the rest of Alice's spec is still there.
    expect(obj.spec.capacity).toEqual({ cpu: 2, memory: '8Gi' });
    expect(obj.spec.provider).toBe('p');
    const owners = Object.fromEntries(obj.metadata.managedFields.map((e) => [e.manager, JSON.stringify(e.fieldsV1)]));
    expect(owners.bob).toContain('"f:cpu"');
    expect(owners.alice).not.toContain('"f:cpu"');
    // Alice re-applying her file now conflicts with Bob.
    const again = await kubectl('apply', '--server-side', '--field-manager=alice', '-f', f);
    expect(again.err).toContain('conflict with "bob": .spec.capacity.cpu');
    expect((await kubectl('delete', 'site', 'kube-ssa')).code).toBe(0);
  }, 60_000);
});
