// `continuum get` output options through the real CLI against an in-process control plane over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { API_VERSION, EventKind, NamespaceKind, WorkloadKind } from '../../model/index.js';
import { namespace, workload } from '../../model/testing/index.js';
import { runCli } from '../testing/run.js';

let env: SecureEnv;
let admin: string[];

const event = (name: string, reason: string, last: string) => ({
  apiVersion: API_VERSION,
  kind: 'Event',
  metadata: { name, namespace: 'team' },
  spec: {
    involvedObject: { kind: 'Workload', name: 'w' },
    type: 'Normal' as const,
    reason,
    message: reason,
    lastTimestamp: last,
  },
});

beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false });
  admin = ['--server', env.cp.url, '--token', env.adminToken, '-n', 'team'];
  await env.cp.store.create(NamespaceKind, namespace('team'));
  const wl = (name: string, area: string | undefined, labels: Record<string, string>, restarts: number) =>
    env.cp.store.create(WorkloadKind, {
      ...workload('team', name, { labels, siteName: 's1', spec: area ? { area } : {} }),
      status: { restarts },
    });
  await wl('web-zurich-0', 'zurich', { app: 'web', tier: 'front' }, 3);
  await wl('web-london-0', 'london', { app: 'web' }, 1);
  await wl('db-0', undefined, { app: 'db' }, 2);
  // Created out of time order: the listing must still read oldest first.
  await env.cp.store.create(EventKind, event('e-late', 'Started', '2026-01-01T00:03:00Z'));
  await env.cp.store.create(EventKind, event('e-early', 'Scheduled', '2026-01-01T00:01:00Z'));
  await env.cp.store.create(EventKind, event('e-mid', 'Pulled', '2026-01-01T00:02:00Z'));
}, 60_000);
afterAll(() => env?.stop());

describe('get output options', () => {
  it('-o jsonpath over a list and over one object', async () => {
    const all = await runCli('get', 'workloads', '-o', 'jsonpath={.items[*].metadata.name}', ...admin);
    expect([all.code, all.out]).toEqual([0, 'db-0 web-london-0 web-zurich-0']);
    const one = await runCli('get', 'workload', 'web-zurich-0', '-o', 'jsonpath={.spec.area}', ...admin);
    expect(one.out).toBe('zurich');
    const range = await runCli(
      'get',
      'wl',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.spec.area}{"\\n"}{end}',
      ...admin,
    );
    expect(range.out).toBe('web-london-0=london\nweb-zurich-0=zurich\n');
    const filtered = await runCli(
      'get',
      'wl',
      '-o',
      'jsonpath={.items[?(@.spec.area=="london")].metadata.name}',
      ...admin,
    );
    expect(filtered.out).toBe('web-london-0');
  });

  it('-o custom-columns with missing values as <none>, and --no-headers', async () => {
    const r = await runCli('get', 'wl', '-o', 'custom-columns=NAME:.metadata.name,AREA:.spec.area', ...admin);
    expect(r.out.split('\n').map((l) => l.split(/\s+/))).toEqual([
      ['NAME', 'AREA'],
      ['db-0', '<none>'],
      ['web-london-0', 'london'],
      ['web-zurich-0', 'zurich'],
      [''],
    ]);
    const nh = await runCli('get', 'wl', '--no-headers', '-o', 'custom-columns=N:{.metadata.name}', ...admin);
    expect(nh.out).toBe('db-0\nweb-london-0\nweb-zurich-0\n');
  });

  it('--sort-by a number, --show-labels and the AREA column of -o wide', async () => {
    const sorted = await runCli('get', 'wl', '--sort-by', '.status.restarts', '-o', 'name', ...admin);
    expect(sorted.out).toBe('workload/web-london-0\nworkload/db-0\nworkload/web-zurich-0\n');
    const labels = await runCli('get', 'wl', 'web-zurich-0', '--show-labels', ...admin);
    expect(labels.out.split('\n')[0]).toMatch(/\sLABELS$/);
    expect(labels.out).toMatch(/\sapp=web,tier=front\n$/);
    const wide = await runCli('get', 'wl', '-o', 'wide', ...admin);
    const [head, ...rows] = wide.out.trim().split('\n');
    const at = head.indexOf('AREA');
    expect(at).toBeGreaterThan(0);
    expect(rows.map((r) => r.slice(at).split(/\s+/)[0])).toEqual(['<none>', 'london', 'zurich']);
    expect((await runCli('get', 'wl', ...admin)).out).not.toContain('AREA');
  });

  it('lists events oldest first; --sort-by overrides', async () => {
    const r = await runCli('get', 'events', '-o', 'custom-columns=REASON:.spec.reason', '--no-headers', ...admin);
    expect(r.out).toBe('Scheduled\nPulled\nStarted\n');
    const byName = await runCli('get', 'ev', '--sort-by', '{.metadata.name}', '-o', 'name', ...admin);
    expect(byName.out).toBe('event/e-early\nevent/e-late\nevent/e-mid\n');
  });

  it('rejects bad templates and formats as usage errors (exit 2) before asking the server', async () => {
    const bad = await runCli('get', 'wl', '-o', 'jsonpath={.items[*]', ...admin);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('invalid JSONPath template')]);
    const cc = await runCli('get', 'wl', '-o', 'custom-columns=NAME', ...admin);
    expect([cc.code, cc.err]).toEqual([2, expect.stringContaining('is not NAME:JSONPATH')]);
    const fmt = await runCli('get', 'wl', '-o', 'xml', ...admin);
    expect([fmt.code, fmt.err]).toEqual([2, expect.stringContaining('jsonpath=TEMPLATE')]);
    const sort = await runCli('get', 'wl', '--sort-by', '.a[', '--server', 'http://127.0.0.1:1');
    expect([sort.code, sort.err]).toEqual([2, expect.stringContaining('unclosed [')]);
  });
});
