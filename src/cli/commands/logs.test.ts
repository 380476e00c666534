// `continuum logs -l` and `--previous` through the real CLI, control plane, tunnel and a real site agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnv, testSiteSpec, waitFor } from '../../agent/testing/env.js';
import { WorkloadKind } from '../../model/index.js';
import { runCli } from '../testing/run.js';

const env = new AgentEnv();
let site: string;
let admin: string[];

// Counts its runs in its work dir, prints the run number, and exits (restarted) until its third run.
const CRASHY = `const fs = require('fs'); let n = 0; try { n = +fs.readFileSync('runs', 'utf8'); } catch {}
fs.writeFileSync('runs', String(n + 1)); console.log('run ' + (n + 1));
setTimeout(() => process.exit(3), n + 1 >= 3 ? 600000 : 300);`;

beforeAll(async () => {
  await env.startControlPlane();
  admin = ['--server', env.url, '--token', env.token, '-n', 'default'];
  site = env.siteName('logs-a');
  await env.agent(site, { siteSpec: testSiteSpec() });
  for (const name of ['web-a', 'web-b']) {
    const w = await env.workload(name, site);
    await env.cp!.store.update(WorkloadKind, { ...w, metadata: { ...w.metadata, labels: { app: 'web' } } });
  }
  await env.workload('crashy', site, { artifact: { command: process.execPath, args: ['-e', CRASHY] }, ports: [] });
}, 60_000);
afterAll(() => env.cleanup());

describe('logs', () => {
  it('-l reads every matching workload, each line prefixed with workload/site', async () => {
    const r = await waitFor(
      async () => {
        const x = await runCli('logs', '-l', 'app=web', '--tail', '2', ...admin);
        return x.out.includes(`[web-a/${site}] tick`) && x.out.includes(`[web-b/${site}] tick`) && x;
      },
      'both workloads logging',
      20_000,
    );
    expect(r.code).toBe(0);
    expect(
      r.out
        .split('\n')
        .filter(Boolean)
        .every((l) => /^\[web-[ab]\/logs-a-\w+\] /.test(l)),
    ).toBe(true);
    const many = await runCli('logs', '-l', 'app=web', '--max-log-requests', '1', ...admin);
    expect([many.code, many.err]).toEqual([2, expect.stringContaining('2 workloads match')]);
    const none = await runCli('logs', '-l', 'app=none', ...admin);
    expect([none.code, none.err]).toEqual([0, 'No workloads found in default namespace.\n']);
    expect((await runCli('logs', 'web-a', '-l', 'app=web', ...admin)).code).toBe(2);
  }, 60_000);

  it('--previous shows the run before the last restart', async () => {
    await waitFor(async () => (await runCli('logs', 'crashy', ...admin)).out === 'run 3\n', 'the third run', 30_000);
    const prev = await runCli('logs', 'crashy', '--previous', ...admin);
    expect([prev.code, prev.out]).toEqual([0, 'run 2\n']);
    const p = await runCli('logs', 'workload/crashy', '-p', '--prefix', ...admin);
    expect(p.out).toBe(`[crashy/${site}] run 2\n`);
  }, 60_000);

  it('--since and --since-time leave out older lines and keep every newer one', async () => {
    const lines = async (...a: string[]): Promise<string[]> => {
      const r = await runCli('logs', 'web-a', ...a, ...admin);
      expect([r.code, r.err]).toEqual([0, '']);
      return r.out.split('\n').filter(Boolean);
    };
    // The first lines were printed at start; once the agent has sampled the log after them, --since drops them.
    await waitFor(async () => !(await lines('--since', '2s')).includes('line 1'), 'old lines left out', 30_000);
    const before = await lines();
    const t0 = new Date();
    const after = await waitFor(async () => {
      const all = await lines();
      return all.length >= before.length + 5 && all;
    }, 'five more ticks');
    const since = await lines('--since-time', t0.toISOString());
    expect(since).not.toContain('line 1');
    // Every line written after t0 is there (the index may add about a second of older ones, never drop newer).
    const newer = after.slice(before.length);
    expect(since.slice(since.indexOf(newer[0]!), since.indexOf(newer[0]!) + newer.length)).toEqual(newer);
    expect(since.length).toBeLessThan(after.length);
  }, 90_000);

  it.each([
    [['--since', '5x'], 2, '--since must be a duration'],
    [['--since', '0'], 2, '--since must be a positive duration'],
    [['--since', '1m', '--since-time', '2026-11-30T12:00:00Z'], 2, 'not both'],
    [['--since-time', 'yesterday'], 1, 'sinceTime must be an RFC 3339 time'],
  ])('rejects %j', async (args, code, message) => {
    const r = await runCli('logs', 'web-a', ...args, ...admin);
    expect([r.code, r.err]).toEqual([code, expect.stringContaining(message)]);
  });
});
