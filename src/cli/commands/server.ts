// `continuum server`: one control-plane replica for distributed setups (SQLite or PostgreSQL, TLS).
import { resolve } from 'node:path';
import { startControlPlane } from '../../controlplane/index.js';
import { lockDataDir } from '../datadir-lock.js';
import { adminTtl, numberFlag, SERVE_OPTIONS, untilStopped, type Command } from '../command.js';
import { consoleLogger } from '../logger.js';

export const serverCommand: Command = {
  name: 'server',
  // The control plane's graceful-shutdown deadline is 10 s.
  stopGraceMs: 15_000,
  summary: 'Run a control-plane replica (use --postgres for several replicas with leader election)',
  usage:
    'continuum server [--data-dir DIR] [--port PORT] [--host HOST] [--postgres URL [--schema S]] [--tls-cert F --tls-key F] [--oidc-config FILE] [--lease-seconds N] [--site-grace-seconds N] [--metrics-address HOST:PORT] [--carbon-data FILE|URL] [--verbose]',
  options: {
    ...SERVE_OPTIONS,
    postgres: {
      type: 'string',
      description: 'PostgreSQL URL (or CONTINUUM_POSTGRES_URL); enables leader election',
      placeholder: 'URL',
    },
    schema: { type: 'string', description: 'PostgreSQL schema', placeholder: 'S' },
    'tls-cert': { type: 'string', description: 'PEM certificate for HTTPS (with --tls-key)', placeholder: 'FILE' },
    'tls-key': { type: 'string', description: 'PEM private key for HTTPS (with --tls-cert)', placeholder: 'FILE' },
    'lease-seconds': { type: 'string', description: 'Leader lease duration', placeholder: 'N' },
    'site-grace-seconds': { type: 'string', description: 'How long a silent site stays Ready', placeholder: 'N' },
  },
  async run(v, _p, io) {
    const dataDir = resolve(v['data-dir'] ?? '.continuum');
    if (!!v['tls-cert'] !== !!v['tls-key']) throw new Error('--tls-cert and --tls-key go together');
    const log = consoleLogger(io, !!v.verbose, 'info', { role: 'server' });
    // Replicas share PostgreSQL; a SQLite data dir belongs to one process.
    const unlock =
      (v.postgres ?? process.env.CONTINUUM_POSTGRES_URL) ? () => undefined : lockDataDir(dataDir, 'server');
    const cp = await startControlPlane({
      dataDir,
      port: numberFlag(v.port, 'port', 0, 65535, { integer: true }) ?? 8080,
      host: v.host ?? '127.0.0.1',
      postgresUrl: v.postgres ?? process.env.CONTINUUM_POSTGRES_URL,
      postgresSchema: v.schema,
      leaderElection: !!(v.postgres ?? process.env.CONTINUUM_POSTGRES_URL),
      tls: v['tls-cert'] ? { cert: v['tls-cert'], key: v['tls-key'] } : undefined,
      ...(v['oidc-config'] ? { oidcConfig: resolve(v['oidc-config']) } : {}),
      ...(v['admin-token-ttl'] !== undefined ? { adminTokenTtlSeconds: adminTtl(v['admin-token-ttl']) } : {}),
      log,
      logRequests: !!v.verbose,
      ...(v['metrics-address'] ? { metricsAddress: v['metrics-address'] } : {}),
      ...(v['carbon-data'] ? { carbonData: v['carbon-data'] } : {}),
      leaseSeconds: numberFlag(v['lease-seconds'], 'lease-seconds', 1, 3600),
      siteGraceSeconds: numberFlag(v['site-grace-seconds'], 'site-grace-seconds', 0.5, 86_400),
    });
    io.out(
      `listening on ${cp.url} (store: ${cp.store.backend.engine})\nadmin token in ${dataDir}/admin.token${cp.adminTokenExpiresAt ? ` (expires ${cp.adminTokenExpiresAt})` : ''}\n`,
    );
    if (cp.metricsUrl) io.out(`metrics (no auth) on ${cp.metricsUrl}\n`);
    await untilStopped(io);
    await cp.stop();
    unlock();
  },
};
