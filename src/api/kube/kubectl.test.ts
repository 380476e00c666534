// The real kubectl binary against a TLS control plane: discovery, errors as Status, CRUD, query parameters.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const bad = await kubectl('get', 'sites', '--chunk-size=0', '--selector=a in (');
    expect(bad.err).toMatch(/Error from server \(BadRequest\)|unable to parse requirement/);
  });

  it('apply (client-side), get -o yaml, delete', async () => {
    const f = join(env.dir, 'site.yaml');
    const a = await kubectl('apply', '--validate=false', '-f', f);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toContain('site.continuum.eu/kube-1 created');
    const again = await kubectl('apply', '--validate=false', '-f', f);
    expect(again.code, again.err).toBe(0);
    const y = await kubectl('get', 'site', 'kube-1', '-o', 'yaml');
    expect(y.code, y.err).toBe(0);
    expect(y.out).toContain('provider: p');
    const d = await kubectl('delete', 'site', 'kube-1', '--wait=false');
    expect(d.code, d.err).toBe(0);
    expect(d.out).toContain('deleted');
  });
});
