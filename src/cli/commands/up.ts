// `continuum up`: the embedded continuum — control plane on SQLite, bundled topology, embedded agents.
import { join, resolve } from 'node:path';
import { startEmbedded } from '../../embedded/index.js';
import { ensureLocalTls, servingHosts } from '../../security/index.js';
import { userConfigPath, writeConfig } from '../config.js';
import { lockDataDir } from '../datadir-lock.js';
import { adminTtl, numberFlag, SERVE_OPTIONS, untilStopped, type Command } from '../command.js';
import { consoleLogger } from '../logger.js';

export const upCommand: Command = {
  name: 'up',
  // Stopping embedded agents and the control plane (its own deadline is 10 s) may take a while.
  stopGraceMs: 30_000,
  summary: 'Start the embedded continuum (SQLite, bundled European topology, one agent per site)',
  usage:
    'continuum up [--data-dir DIR] [--port PORT] [--host HOST] [--topology FILE] [--oidc-config FILE] [--no-agents] [--user-config] [--stop-workloads-on-exit] [--unconfined] [--metrics-address HOST:PORT] [--carbon-data FILE|URL] [--insecure-http] [--verbose]',
  options: {
    ...SERVE_OPTIONS,
    topology: { type: 'string', description: 'Topology file to load instead of the bundled one', placeholder: 'FILE' },
    'no-agents': { type: 'boolean', description: 'Do not start the embedded site agents' },
    /** Also write ~/.continuum/config.json (off by default: another user's or another continuum's config stays). */
    'user-config': { type: 'boolean', description: 'Also write ~/.continuum/config.json' },
    /** Accepted for compatibility: the user-level config is only written with --user-config. */
    'no-user-config': { type: 'boolean', description: 'Do not write ~/.continuum/config.json (the default)' },
    'stop-workloads-on-exit': {
      type: 'boolean',
      description: 'Stop the workloads on Ctrl-C instead of leaving them running',
    },
    /** Plain HTTP instead of TLS with the data dir's own CA (tokens then cross the network in clear). */
    'insecure-http': {
      type: 'boolean',
      description: 'Serve plain HTTP instead of HTTPS with the data dir CA (tls/ca.crt)',
    },
    /** Process workloads run as this user, unconfined (ADR 0010): for a single trusted user without root. */
    unconfined: {
      type: 'boolean',
      description: 'Run process workloads unconfined as this user (a single trusted user without root; ADR 0010)',
    },
  },
  async run(v, _p, io) {
    const dataDir = resolve(v['data-dir'] ?? '.continuum');
    const port = numberFlag(v.port, 'port', 0, 65535, { integer: true }) ?? 8080;
    const unlock = lockDataDir(dataDir, 'up');
    io.err(`starting the embedded continuum in ${dataDir} ...\n`);
    const host = v.host ?? '127.0.0.1';
    // As k3s does: a CA and a serving certificate made in the data dir on first start; the CLI config trusts the CA.
    let tls: ReturnType<typeof ensureLocalTls> | undefined;
    try {
      tls = v['insecure-http'] ? undefined : ensureLocalTls(dataDir, servingHosts(host));
    } catch (e) {
      unlock();
      throw e;
    }
    let emb: Awaited<ReturnType<typeof startEmbedded>>;
    try {
      emb = await startEmbedded({
        dataDir,
        port,
        host,
        ...(tls ? { tls: { cert: tls.certFile, key: tls.keyFile, ca: tls.caFile } } : {}),
        topology: v.topology,
        agents: !v['no-agents'],
        verbose: !!v.verbose,
        log: consoleLogger(io, !!v.verbose, 'warn'),
        ...(v['metrics-address'] ? { metricsAddress: v['metrics-address'] } : {}),
        ...(v['carbon-data'] ? { carbonData: v['carbon-data'] } : {}),
        progress: (msg) => io.err(`  ${msg}\n`),
        ...(v['oidc-config'] ? { oidcConfig: resolve(v['oidc-config']) } : {}),
        ...(v['admin-token-ttl'] !== undefined ? { adminTokenTtlSeconds: adminTtl(v['admin-token-ttl']) } : {}),
        ...(v.unconfined ? { confinement: 'off' as const } : {}),
      });
    } catch (e) {
      unlock();
      throw e;
    }
    const cfg = { server: emb.url, token: emb.adminToken, namespace: 'default' };
    // The data dir's config names the CA relative to itself (the dir may move); the user-level one absolutely.
    writeConfig(join(dataDir, 'config.json'), { ...cfg, ...(tls ? { ca: join('tls', 'ca.crt') } : {}) });
    const userConfig = !!v['user-config'] && !v['no-user-config'];
    if (userConfig) writeConfig(userConfigPath(), { ...cfg, ...(tls ? { ca: tls.caFile } : {}) });
    io.out(
      `Continuum is up.\n  API:         ${emb.url}\n  Admin token: ${emb.adminToken}\n  Token file:  ${dataDir}/admin.token (${emb.adminTokenExpiresAt ? `expires ${emb.adminTokenExpiresAt}` : 'does not expire'}; continuum token rotate-admin replaces it)\n${tls ? `  CA:          ${tls.caFile}\n` : ''}  Config:      ${dataDir}/config.json${userConfig ? ` and ${userConfigPath()}` : ''}\n  Sites:       ${emb.summary}\nTry: continuum get sites    (Ctrl-C to stop)\n`,
    );
    if (emb.metricsUrl) io.out(`  Metrics:     ${emb.metricsUrl} (no auth)\n`);
    await untilStopped(io);
    io.err('shutting down ...\n');
    await emb.stop({ stopWorkloads: !!v['stop-workloads-on-exit'] });
    unlock();
    io.err(
      `stopped; state kept in ${dataDir}${v['stop-workloads-on-exit'] ? '' : ' (workloads left running for the next `continuum up`; use --stop-workloads-on-exit to stop them)'}\n`,
    );
  },
};
