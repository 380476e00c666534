// End to end through the real CLI: `continuum up` where podman works, the three-tier example with every tier a container.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectContainerRuntime, runDirOf } from '../src/agent/drivers/container/index.js';
import { BIN, getTrusting, startChild, stopGracefully, tempDir, until, upCa, type Child } from './harness.js';

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

describe.skipIf(!detection.available)('three-tier app as containers through the CLI', () => {
  it('up offers containers → apply the container example → all three tiers run as containers and answer', async () => {
    const cwd = tempDir('e2e-ctr');
    dirs.push(cwd);
    const up = await startChild(
      ['up', '--port', '0', '--stop-workloads-on-exit'],
      /API:\s+(\S+)/,
      { HOME: cwd },
      120_000,
      cwd,
    );
    children.push(up);
    // `up` built the examples image and says where the container variant of the example is.
    const m = /three-tier example as containers: continuum apply -f (\S+)/.exec(up.out());
    expect(m, up.out()).not.toBeNull();
    const manifest = m![1]!;
    expect(readFileSync(manifest, 'utf8')).toMatch(/image: localhost\/continuum\/examples@sha256:[0-9a-f]{64}/);
    const site = json(cwd, 'get', 'sites').items[0];
    expect(site.status.runtimes).toContainEqual(expect.objectContaining({ name: 'container', available: true }));

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
      ['api', 'container', 'Running'],
      ['frontend', 'container', 'Running'],
      ['store', 'container', 'Running'],
    ]);
    const url = endpointOf(json(cwd, 'get', 'deployment', 'shop'))!;
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { chain: unknown[] };
    expect(body).toMatchObject({ frontend: 'ok', api: 'ok', store: 'ok' });
    expect(body.chain).toHaveLength(3);
    // And through the application gateway of the control plane.
    const token = readFileSync(join(cwd, '.continuum', 'admin.token'), 'utf8').trim();
    // Over the API's TLS (on by default in `up`), trusting the data dir's CA.
    const gw = await getTrusting(`${up.url}/gw/default/shop/`, upCa(join(cwd, '.continuum')), {
      authorization: `Bearer ${token}`,
    });
    expect(gw.status).toBe(200);
    expect(JSON.parse(gw.text)).toMatchObject({ frontend: 'ok', api: 'ok', store: 'ok' });
    expect(cli(cwd, 'explain', 'shop')).toMatch(/frontend\/0@madrid -> \S+ \(\S+\) as container/);
  }, 240_000);
});
