// Checks the examples: every YAML validates, the shop fits the bundled topology, and the programs really chain.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kindByName, validateObject, type ApplicationSpec, type Category, type Component } from '../model/index.js';
import { packageRoot } from '../lib/index.js';
import { loadTopology } from './bundled.js';
import { modelRttMs } from './latency.js';

const root = packageRoot();
const examplesDir = join(root, 'examples');
const yamlFiles = readdirSync(examplesDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort();

const docsOf = (rel: string): Array<Record<string, any>> =>
  parseAllDocuments(readFileSync(join(examplesDir, rel), 'utf8')).map((d) => d.toJS() as Record<string, any>).filter(Boolean);

const shop = docsOf('three-tier/app.yaml').find((d) => d.kind === 'Application')!.spec as ApplicationSpec;
const hello = docsOf('hello/hello.yaml').find((d) => d.kind === 'Application')!.spec as ApplicationSpec;

describe('example manifests', () => {
  it('include hello and three-tier', () => expect(yamlFiles).toEqual(expect.arrayContaining(['hello/hello.yaml', 'three-tier/app.yaml'])));

  it.each(yamlFiles.flatMap((f) => docsOf(f).map((d, i) => [`${f}#${i + 1} ${d.kind}/${d.metadata?.name}`, d] as const)))(
    '%s validates against its kind',
    (_what, obj) => {
      const def = kindByName(String(obj.kind));
      expect(def, `kind ${obj.kind}`).toBeDefined();
      expect(validateObject(def!, obj)).toEqual([]);
      expect(obj.metadata.namespace).toBe('default');
    },
  );

  it.each(yamlFiles.flatMap((f) => docsOf(f).filter((d) => d.kind === 'Deployment').map((d) => [f, d] as const)))(
    '%s: the deployment names an application in the same file and bundled user areas',
    (file, dep) => {
      const apps = docsOf(file).filter((d) => d.kind === 'Application').map((d) => d.metadata.name);
      expect(apps).toContain(dep.spec.application);
      const areas = loadTopology().areas.map((a) => a.metadata.name);
      for (const a of dep.spec.areas ?? []) expect(areas).toContain(a.area);
    },
  );
});

describe('three-tier requirements in the bundled topology', () => {
  const topo = loadTopology();
  const allowed = shop.requirements?.jurisdiction?.allowedCountries ?? [];
  const feasible = (component: string): string[] =>
    topo.sites
      .filter((s) => allowed.includes(s.spec.location.country))
      .filter((s) =>
        (shop.requirements?.latency ?? [])
          .filter((l) => !l.component || l.component === component)
          .every((l) => {
            const area = topo.areas.find((a) => a.metadata.name === l.area)!;
            return modelRttMs(area.spec.location, s.spec.location, s.spec.category as Category) <= l.maxMs;
          }),
      )
      .map((s) => s.metadata.name);

  it.each(shop.components.map((c) => [c.name]))('%s has at least two feasible sites (room to fail over)', (name) => {
    expect(feasible(name).length).toBeGreaterThanOrEqual(2);
  });

  it('the frontend can run at the Madrid metro-edge and the Getafe far-edge, not outside ES/PT', () => {
    expect(feasible('frontend')).toEqual(expect.arrayContaining(['iberlink-madrid-metro', 'iberlink-getafe-far']));
    expect(feasible('frontend')).not.toContain('hexa-toulouse-near');
  });
});

/** Running example programs, killed after the suite. */
const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'continuum-examples-'));

/** Starts a component the way the process driver would ($(ARTIFACTS) expanded, PORT and peer URLs in env). */
function start(c: Component, env: Record<string, string>, cwd = tmp): Promise<{ url: string; child: ChildProcess }> {
  const command = c.artifact.command === 'node' ? process.execPath : c.artifact.command!;
  const args = (c.artifact.args ?? []).map((a) => a.replaceAll('$(ARTIFACTS)', root));
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', CONTINUUM_SITE: 'test-site', CONTINUUM_WORKLOAD: c.name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${c.name} did not start: ${out}`)), 4000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`${c.name} exited with ${code}: ${out}`)));
  });
}

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const getJson = async (url: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
  return { status: r.status, body: await r.json() };
};

/** The env var a connection sets: its `env`, or <TO>_URL upper-cased. */
const envName = (to: string, env?: string): string => env ?? `${to.toUpperCase().replace(/-/g, '_')}_URL`;

describe('example programs', () => {
  const urls: Record<string, string> = {};
  let helloPid: number | undefined;
  const byName = (n: string): Component => shop.components.find((c) => c.name === n)!;

  beforeAll(async () => {
    // Start callees before callers: store, api, frontend.
    for (const name of ['store', 'api', 'frontend']) {
      const c = byName(name);
      const env = Object.fromEntries((c.connections ?? []).map((k) => [envName(k.to, k.env), urls[k.to]]));
      urls[name] = (await start(c, env)).url;
    }
    const h = await start(hello.components[0], {});
    urls.hello = h.url;
    helloPid = h.child.pid;
  });

  afterAll(async () => {
    await Promise.all(children.map(stop));
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['store', 'api', 'frontend', 'hello'])('%s answers /healthz with 200', async (name) => {
    expect((await getJson(`${urls[name]}/healthz`)).status).toBe(200);
  });

  it('the frontend proves frontend -> api -> store, counting visits', async () => {
    const first = await getJson(`${urls.frontend}/`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ frontend: 'ok', api: 'ok', store: 'ok', chain: ['frontend@test-site', 'api@test-site', 'store@test-site'] });
    const second = await getJson(`${urls.frontend}/`);
    expect(second.body.visits).toBe(first.body.visits + 1);
  });

  it('the store keeps items across a restart in the same working directory', async () => {
    expect((await getJson(`${urls.store}/items/colour`, { method: 'PUT', body: JSON.stringify({ value: 'blue' }) })).status).toBe(200);
    const old = children.find((c) => c.spawnargs.some((a) => a.endsWith('store.mjs')))!;
    await stop(old);
    const again = await start(byName('store'), {});
    expect((await getJson(`${again.url}/items/colour`)).body.value).toBe('blue');
    expect((await getJson(`${again.url}/items/missing`)).status).toBe(404);
  });

  it('hello greets with its site and pid', async () => {
    const { status, body } = await getJson(`${urls.hello}/`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ site: 'test-site', workload: 'web' });
    expect(body.pid).toBe(helloPid);
    expect(typeof body.hostname).toBe('string');
  });
});
