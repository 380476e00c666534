// `continuum kubeconfig`: a kubeconfig for kubectl and client libraries (server, CA, token), optionally for a new role token.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { resolveConfig } from '../config.js';
import { CONNECTION, clientFrom, UsageError, type Command } from '../command.js';

const TTL = /^([0-9]{1,6})(s|m|h|d)$/;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export const kubeconfigCommand: Command = {
  name: 'kubeconfig',
  summary: 'Write a kubeconfig (server, CA, token) for kubectl and Kubernetes client libraries',
  usage: 'continuum kubeconfig [--role ROLE [--ttl 24h]] [--output-file FILE] [--context NAME]',
  options: {
    ...CONNECTION,
    role: {
      type: 'string',
      description: 'Issue a new token with this role instead of embedding yours',
      placeholder: 'ROLE',
    },
    ttl: { type: 'string', description: 'Lifetime of the issued token (e.g. 8h, 7d; default 24h)', placeholder: 'TTL' },
    'output-file': { type: 'string', description: 'Write here (mode 0600) instead of stdout', placeholder: 'FILE' },
    context: { type: 'string', description: 'Context, cluster and user name (default continuum)', placeholder: 'NAME' },
  },
  async run(v, _p, io) {
    const cfg = resolveConfig({ server: v.server, token: v.token, config: v.config, namespace: v.namespace, ca: v.ca });
    let token = cfg.token;
    if (v.role !== undefined) {
      const ttl = TTL.exec(String(v.ttl ?? '24h'));
      if (!ttl) throw new UsageError('--ttl must look like 30m, 8h or 7d');
      const { client } = clientFrom(v);
      const body = {
        role: v.role,
        ttlSeconds: Number(ttl[1]) * UNIT[ttl[2]],
        ...(v.namespace ? { namespace: v.namespace } : {}),
      };
      token = ((await client.http.json('POST', '/auth/v1/tokens', body)).body as { token: string }).token;
    }
    if (!token) throw new UsageError('no token configured: pass --token or --role (or run `continuum up`)');
    if (!cfg.server.startsWith('https:'))
      io.err(`warning: ${cfg.server} is not HTTPS; kubectl and client-node send bearer tokens only over HTTPS\n`);
    const name = String(v.context ?? 'continuum');
    const cluster: Record<string, string> = { server: cfg.server };
    if (cfg.ca) cluster['certificate-authority-data'] = readFileSync(cfg.ca).toString('base64');
    const doc = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: name, user: name, namespace: cfg.namespace ?? 'default' } }],
      'current-context': name,
    });
    if (v['output-file']) {
      writeFileSync(String(v['output-file']), doc, { mode: 0o600 });
      io.out(`kubeconfig written to ${String(v['output-file'])} (context ${name})\n`);
    } else io.out(doc);
  },
};
