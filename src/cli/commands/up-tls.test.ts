// `continuum up` serves TLS by default with the data dir's own CA: the CLI config trusts it, embedded agents connect
// over it, a restart keeps the CA, an untrusting client is refused, and --insecure-http opts out.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ContinuumClient } from '../../client/index.js';
import { waitFor } from '../../lib/testing/index.js';
import { SiteKind } from '../../model/index.js';
import { defaultTopologyPath } from '../../topology/index.js';
import { run } from '../main.js';
import { runCli } from '../testing/run.js';
import { hasTool } from '../../api/testing/kube-env.js';

const root = mkdtempSync(join(tmpdir(), 'ctm-up-tls-'));
const dataDir = join(root, 'data');
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops) await s();
  rmSync(root, { recursive: true, force: true });
});

/** The first provider of the bundled topology with two of its sites (a quick `up`). */
function smallTopology(): string {
  const docs = parseAllDocuments(readFileSync(defaultTopologyPath(), 'utf8')).map((d) => d.toJS() as any);
  const provider = docs.find((d) => d?.kind === 'Provider');
  const sites = docs.filter((d) => d?.kind === 'Site' && d.spec.provider === provider.metadata.name).slice(0, 2);
  const f = join(root, 'small.yaml');
  writeFileSync(f, [provider, ...sites].map((d) => JSON.stringify(d)).join('\n---\n'));
  return f;
}
const topology = smallTopology();

async function up(...flags: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const ac = new AbortController();
  let out = '';
  const done = run(['up', '--data-dir', dataDir, '--port', '0', '--topology', topology, ...flags], {
    out: (s) => void (out += s),
    err: (s) => void (out += s),
    signal: ac.signal,
  });
  let finished = false;
  void done.then(() => (finished = true));
  const url = await waitFor(() => {
    if (finished) throw new Error(`up ended early:\n${out}`);
    return /API:\s+(\S+)/.exec(out)?.[1];
  }, '`continuum up` to be up');
  const stop = async () => {
    ac.abort();
    await done;
  };
  stops.push(stop);
  return { url, stop };
}

const cfg = join(dataDir, 'config.json');
const cli = (cmd: string, ...args: string[]) => runCli(cmd, '--config', cfg, ...args);

function plainHttp(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const r = request(url.replace('https:', 'http:') + '/healthz', { timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (e) => resolve(e.message));
    r.end();
  });
}

describe('continuum up: TLS by default', () => {
  it('serves https with the data dir CA; the CLI config trusts it; agents connect; restart keeps the CA', async () => {
    const first = await up();
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const config = JSON.parse(readFileSync(cfg, 'utf8'));
    expect(config).toMatchObject({ server: first.url, ca: 'tls/ca.crt' });
    // The embedded agents dial the API over TLS: both sites become Ready.
    await waitFor(async () => {
      const r = await cli('get', 'sites', '-o', 'json');
      const items = (JSON.parse(r.out || '{"items":[]}') as { items: any[] }).items;
      return (
        items.length === 2 &&
        items.every((s) => s.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
      );
    }, 'both sites Ready through their agents');
    // Plain http gets no API answer; a client that does not trust the CA is refused by the handshake.
    expect(await plainHttp(first.url)).not.toBe(200);
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    await expect(new ContinuumClient({ server: first.url, token }).list(SiteKind)).rejects.toThrow(/not trusted/);
    const caPem = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
    await first.stop();

    const second = await up();
    expect(readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8')).toBe(caPem);
    const r = await cli('get', 'sites');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(cfg, 'utf8')).server).toBe(second.url);
    // kubectl sends its token only over TLS: with the kubeconfig `continuum kubeconfig` writes (CA embedded), it works.
    if (hasTool('kubectl', ['version', '--client'])) {
      const kc = join(root, 'kubeconfig');
      expect((await cli('kubeconfig', '--output-file', kc)).code).toBe(0);
      // Asynchronously: the server answering it runs in this process.
      const k = await promisify(execFile)('kubectl', ['--kubeconfig', kc, 'get', 'sites', '-o', 'name'], {
        env: { ...process.env, HOME: root },
      });
      expect(k.stdout.trim().split('\n')).toHaveLength(2);
    }
    await second.stop();
  }, 120_000);

  it('--insecure-http serves plain http and writes no CA into the config', async () => {
    const u = await up('--insecure-http', '--no-agents');
    expect(u.url).toMatch(/^http:\/\//);
    expect(JSON.parse(readFileSync(cfg, 'utf8')).ca).toBeUndefined();
    expect(await plainHttp(u.url)).toBe(200);
    expect((await cli('get', 'sites')).code).toBe(0);
    await u.stop();
  }, 60_000);
});
