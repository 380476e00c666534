// describe site: loopback round-trips between agents on one host are not shown as measured site latency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureEnv, type SecureEnv } from '../../api/testing/secure-env.js';
import { SiteKind, type SiteStatus } from '../../model/index.js';
import { site } from '../../model/testing/index.js';
import { runCli } from '../testing/run.js';
import { isLoopbackAddress } from './site-latency.js';

let env: SecureEnv;
let admin: string[];

const withStatus = async (name: string, status: SiteStatus): Promise<void> => {
  const s = await env.cp.store.create(SiteKind, site(name));
  await env.cp.store.updateStatus(SiteKind, { ...s, status });
};

beforeAll(async () => {
  env = await startSecureEnv({ runControllers: false });
  admin = ['--server', env.cp.url, '--token', env.adminToken];
  await withStatus('remote', { agent: { address: '10.1.2.3:7000' } });
  await withStatus('local-b', { agent: { address: '127.0.0.1:7001' } });
  await withStatus('edge', { agent: { address: '10.9.9.9:7000' }, latencyMs: { remote: 12.5, 'local-b': 0.2 } });
  await withStatus('local-a', { agent: { address: '127.0.0.1:7002' }, latencyMs: { 'local-b': 0.1, remote: 0.3 } });
}, 30_000);
afterAll(() => env?.stop());

describe('describe site latency', () => {
  it('keeps network measurements and leaves out round-trips to a loopback peer, saying why', async () => {
    const r = await runCli('describe', 'site', 'edge', ...admin);
    expect(r.out).toMatch(/latencyMs:\n\s+remote: 12\.5\n/);
    expect(r.out).not.toContain('local-b: 0.2');
    expect(r.out).toMatch(/^Latency: +1 peer round-trip\(s\) not shown: probed over loopback/m);
  });

  it('an agent probing from loopback shows no latency at all', async () => {
    const r = await runCli('describe', 'site', 'local-a', ...admin);
    expect(r.out).not.toContain('latencyMs');
    expect(r.out).toMatch(/^Latency: +2 peer round-trip\(s\) not shown/m);
  });

  it('a site without loopback peers is described as before', async () => {
    const r = await runCli('describe', 'site', 'remote', ...admin);
    expect(r.out).not.toContain('Latency:');
  });

  it.each([
    ['127.0.0.1:7000', true],
    ['127.3.2.1', true],
    ['[::1]:80', true],
    ['localhost:9', true],
    ['10.0.0.1:7000', false],
    ['128.0.0.1:7000', false],
    [undefined, false],
  ])('isLoopbackAddress(%s) = %s', (a, want) => expect(isLoopbackAddress(a)).toBe(want));
});
