// End to end through the real CLI: the three-tier example with one tier per runtime (container, function, process).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectContainerRuntime, runDirOf } from '../src/agent/drivers/container/index.js';
import { BIN, startChild, stopGracefully, tempDir, until, type Child } from './harness.js';

const children: Child[] = [];
const dirs: string[] = [];
const detection = await detectContainerRuntime({ home: '/nonexistent/podman' });

afterAll(async () => {
  for (const c of children.reverse()) await stopGracefully(c, 30_000);
  for (const d of dirs) {
    rmSync(runDirOf(join(d, '.continuum', 'podman')), { recursive: true, force: true });
    rmSync(d, { recursive: true, force: true });
  }
});

function cli(cwd: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, HOME: cwd },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`continuum ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const json = (cwd: string, ...args: string[]): any => JSON.parse(cli(cwd, ...args, '-o', 'json'));
const endpointOf = (d: any): string | undefined =>
  d.status?.endpoints?.find((e: any) => e.component === 'frontend')?.url;

describe.skipIf(!detection.available)('three-tier app across container, function and process runtimes', () => {
  it('apply the mixed example → frontend a container, api a function, store a process; answers via the gateway', async () => {
    const cwd = tempDir('e2e-fn');
    dirs.push(cwd);
    const up = await startChild(
      ['up', '--port', '0', '--stop-workloads-on-exit'],
      /API:\s+(\S+)/,
      { HOME: cwd },
      120_000,
      cwd,
    );
    children.push(up);
    const m = /three-tier example as containers: continuum apply -f (\S+)/.exec(up.out());
    expect(m, up.out()).not.toBeNull();
    const image = /image: (localhost\/continuum\/examples@sha256:[0-9a-f]{64})/.exec(readFileSync(m![1]!, 'utf8'))![1]!;
    const mixed = readFileSync(join(process.cwd(), 'examples', 'three-tier', 'app-mixed.yaml'), 'utf8');
    const manifest = join(cwd, 'three-tier-mixed.yaml');
    writeFileSync(manifest, mixed.split('${EXAMPLES_IMAGE}').join(image));
    const site = json(cwd, 'get', 'sites').items[0];
    expect(site.status.runtimes).toContainEqual(expect.objectContaining({ name: 'function', available: true }));

    expect(cli(cwd, 'apply', '-f', manifest)).toMatch(/deployment\/shop (created|configured|unchanged)/);
    await until(
      'shop Running',
      () => {
        const d = json(cwd, 'get', 'deployment', 'shop');
        return d.status?.phase === 'Running' && !!endpointOf(d);
      },
      90_000,
      250,
    );
    const ws = json(cwd, 'get', 'workloads').items;
    expect(ws.map((w: any) => [w.spec.component, w.spec.runtime, w.status?.phase]).sort()).toEqual([
      ['api', 'function', 'Running'],
      ['frontend', 'container', 'Running'],
      ['store', 'process', 'Running'],
    ]);
    const token = readFileSync(join(cwd, '.continuum', 'admin.token'), 'utf8').trim();
    const gw = await fetch(`${up.url}/gw/default/shop/`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });
    const body = await gw.text();
    expect(gw.status, body).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ frontend: 'ok', api: 'ok', store: 'ok' });
    const explain = cli(cwd, 'explain', 'shop');
    expect(explain).toMatch(/frontend\/0@madrid -> \S+ \(\S+\) as container/);
    expect(explain).toMatch(/api\/0@madrid -> \S+ \(\S+\) as function/);
    expect(explain).toMatch(/store\/0@madrid -> \S+ \(\S+\) as process/);
  }, 300_000);
});
