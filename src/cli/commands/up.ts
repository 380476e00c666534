// `continuum up`: the embedded continuum — control plane on SQLite, bundled topology, embedded agents.
import { resolve } from 'node:path';
import { startEmbedded } from '../../embedded/index.js';
import { userConfigPath, writeConfig } from '../config.js';
import { numberFlag, SERVE_OPTIONS, untilStopped, type Command } from '../command.js';

export const upCommand: Command = {
  name: 'up',
  summary: 'Start the embedded continuum (SQLite, bundled European topology, one agent per site)',
  usage:
    'continuum up [--data-dir DIR] [--port PORT] [--host HOST] [--topology FILE] [--oidc-config FILE] [--no-agents] [--user-config] [--stop-workloads-on-exit] [--unconfined] [--verbose]',
  options: {
    ...SERVE_OPTIONS,
    topology: { type: 'string' },
    'no-agents': { type: 'boolean' },
    /** Also write ~/.continuum/config.json (off by default: another user's or another continuum's config stays). */
    'user-config': { type: 'boolean' },
    /** Accepted for compatibility: the user-level config is only written with --user-config. */
    'no-user-config': { type: 'boolean' },
    'stop-workloads-on-exit': { type: 'boolean' },
    /** Process workloads run as this user, unconfined (ADR 0010): for a single trusted user without root. */
    unconfined: { type: 'boolean' },
  },
  async run(v, _p, io) {
    const dataDir = resolve(v['data-dir'] ?? '.continuum');
    const port = numberFlag(v.port, 'port', 0, 65535, { integer: true }) ?? 8080;
    io.err(`starting the embedded continuum in ${dataDir} ...\n`);
    const emb = await startEmbedded({
      dataDir,
      port,
      host: v.host ?? '127.0.0.1',
      topology: v.topology,
      agents: !v['no-agents'],
      verbose: !!v.verbose,
      progress: (msg) => io.err(`  ${msg}\n`),
      ...(v['oidc-config'] ? { oidcConfig: resolve(v['oidc-config']) } : {}),
      ...(v.unconfined ? { confinement: 'off' as const } : {}),
    });
    const cfg = { server: emb.url, token: emb.adminToken, namespace: 'default' };
    writeConfig(`${dataDir}/config.json`, cfg);
    const userConfig = !!v['user-config'] && !v['no-user-config'];
    if (userConfig) writeConfig(userConfigPath(), cfg);
    io.out(
      `Continuum is up.\n  API:         ${emb.url}\n  Admin token: ${emb.adminToken}\n  Token file:  ${dataDir}/admin.token\n  Config:      ${dataDir}/config.json${userConfig ? ` and ${userConfigPath()}` : ''}\n  Sites:       ${emb.summary}\nTry: continuum get sites    (Ctrl-C to stop)\n`,
    );
    await untilStopped(io);
    io.err('shutting down ...\n');
    await emb.stop({ stopWorkloads: !!v['stop-workloads-on-exit'] });
    io.err(
      `stopped; state kept in ${dataDir}${v['stop-workloads-on-exit'] ? '' : ' (workloads left running for the next `continuum up`; use --stop-workloads-on-exit to stop them)'}\n`,
    );
  },
};
