// TLS end to end: `continuum server --tls-cert/--tls-key` with a throwaway certificate; the CLI and agents verify it with a CA file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli/main.js';
import { runCli } from '../cli/testing/run.js';
import { TransportError } from '../client/index.js';
import { waitFor } from '../lib/testing/index.js';
import { site } from '../model/testing/index.js';
import { exchangeBootstrap } from '../agent/credential-client.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'ctm-tls-http-'));
const f = (n: string) => join(dir, n);
const dataDir = f('data');
const stop = new AbortController();
let serverDone: Promise<number> | undefined;
let serverOut = '';
let url = '';
let admin = '';

function cert(name: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
}

const cli = runCli;

describe.skipIf(!hasOpenssl)('TLS for the server, the CLI and agents', () => {
  beforeAll(async () => {
    cert('server');
    cert('other');
    serverDone = run(
      ['server', '--data-dir', dataDir, '--port', '0', '--tls-cert', f('server.crt'), '--tls-key', f('server.key')],
      {
        out: (s) => void (serverOut += s),
        err: (s) => void (serverOut += s),
        signal: stop.signal,
      },
    );
    url = await waitFor(() => /listening on (\S+)/.exec(serverOut)?.[1], 'the TLS server to listen');
    admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  }, 20_000);
  afterAll(async () => {
    stop.abort();
    await serverDone;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS and the CLI verifies it with --ca, CONTINUUM_CA or `ca` in the config file', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const withFlag = await cli('get', 'namespaces', '--server', url, '--token', admin, '--ca', f('server.crt'));
    expect([withFlag.code, withFlag.err]).toEqual([0, '']);
    expect(withFlag.out).toContain('default');
    process.env.CONTINUUM_CA = f('server.crt');
    try {
      expect((await cli('whoami', '--server', url, '--token', admin)).out).toContain('Subject: admin');
    } finally {
      delete process.env.CONTINUUM_CA;
    }
    writeFileSync(f('config.json'), JSON.stringify({ server: url, token: admin, ca: 'server.crt' }));
    expect((await cli('version', '--config', f('config.json'))).out).toContain('Server Version');
  });

  it('refuses an untrusted certificate and plain HTTP to the HTTPS port, with a clear message', async () => {
    writeFileSync(f('bare.json'), JSON.stringify({ server: url, token: admin }));
    const untrusted = await cli('get', 'sites', '--config', f('bare.json'));
    expect(untrusted.code).toBe(1);
    expect(untrusted.err).toMatch(/cannot reach https:.*not trusted: pass --ca FILE/);
    const wrongCa = await cli('get', 'sites', '--config', f('bare.json'), '--ca', f('other.crt'));
    expect(wrongCa.code).toBe(1);
    const plain = await cli('get', 'sites', '--config', f('bare.json'), '--server', url.replace('https:', 'http:'));
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/cannot reach http:.*use an https:\/\/ URL/);
  });

  it('lets an agent exchange its bootstrap token over verified TLS only', async () => {
    writeFileSync(f('site.json'), JSON.stringify(site('tls-site')));
    const ca = ['--server', url, '--token', admin, '--ca', f('server.crt')];
    expect((await cli('apply', '-f', f('site.json'), ...ca)).code).toBe(0);
    const created = await cli('token', 'create', '--role', 'agent', '--site', 'tls-site', '--bootstrap', ...ca);
    expect(created.code, created.err).toBe(0);
    const bootstrap = created.out.trim();
    await expect(exchangeBootstrap(url, bootstrap)).rejects.toBeInstanceOf(TransportError);
    const cred = await exchangeBootstrap(url, bootstrap, { ca: readFileSync(f('server.crt')) });
    expect(cred.site).toBe('tls-site');
  });

  it('fails to start with a key that does not match the certificate', async () => {
    const r = await cli(
      'server',
      '--data-dir',
      f('data2'),
      '--port',
      '0',
      '--tls-cert',
      f('server.crt'),
      '--tls-key',
      f('other.key'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not match');
  });
});
