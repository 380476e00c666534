// Test support: a TLS control plane (the real `continuum server`) and a kubeconfig for kubectl/client-node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main.js';
import { waitFor } from '../../lib/testing/index.js';

export interface KubeEnv {
  url: string;
  token: string;
  caFile: string;
  kubeconfig: string;
  dir: string;
  stop(): Promise<void>;
}

export const hasTool = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Starts `continuum server` with a throwaway self-signed certificate and writes a kubeconfig for the admin. */
export async function startKubeEnv(): Promise<KubeEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'ctm-kube-'));
  const f = (n: string): string => join(dir, n);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2']
      .concat(['-subj', '/CN=server', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'])
      .concat(['-keyout', f('s.key'), '-out', f('s.crt')]),
    { stdio: 'ignore' },
  );
  const ac = new AbortController();
  let out = '';
  const done = run(
    ['server', '--data-dir', f('data'), '--port', '0', '--tls-cert', f('s.crt'), '--tls-key', f('s.key')],
    { out: (s) => void (out += s), err: (s) => void (out += s), signal: ac.signal },
  );
  const url = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], 'the TLS server to listen');
  const token = readFileSync(join(f('data'), 'admin.token'), 'utf8').trim();
  const kubeconfig = f('kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: url, 'certificate-authority': f('s.crt') } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'c',
    }),
    { mode: 0o600 },
  );
  return {
    url,
    token,
    caFile: f('s.crt'),
    kubeconfig,
    dir,
    stop: async () => {
      ac.abort();
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
