// `continuum up`: the embedded continuum — control plane on SQLite, bundled topology, embedded agents.
import { resolve } from 'node:path';
import { startEmbedded } from '../../embedded/index.js';
import { userConfigPath, writeConfig } from '../config.js';
import type { Command } from '../command.js';

export const upCommand: Command = {
  name: 'up',
  summary: 'Start the embedded continuum (SQLite, bundled European topology, one agent per site)',
  usage: 'continuum up [--data-dir DIR] [--port PORT] [--host HOST] [--topology FILE] [--oidc-config FILE] [--no-agents] [--stop-workloads-on-exit] [--verbose]',
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    topology: { type: 'string' },
    'oidc-config': { type: 'string' },
    'no-agents': { type: 'boolean' },
    'no-user-config': { type: 'boolean' },
    'stop-workloads-on-exit': { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  },
  async run(v, _p, io) {
    const dataDir = resolve(v['data-dir'] ?? '.continuum');
    const port = v.port !== undefined ? Number(v.port) : 8080;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${v.port}`);
    io.err(`starting the embedded continuum in ${dataDir} ...\n`);
    const emb = await startEmbedded({
      dataDir, port, host: v.host ?? '127.0.0.1', topology: v.topology, agents: !v['no-agents'], verbose: !!v.verbose,
      progress: (msg) => io.err(`  ${msg}\n`),
      ...(v['oidc-config'] ? { oidcConfig: resolve(v['oidc-config']) } : {}),
    });
    const cfg = { server: emb.url, token: emb.adminToken, namespace: 'default' };
    writeConfig(`${dataDir}/config.json`, cfg);
    if (!v['no-user-config']) writeConfig(userConfigPath(), cfg);
    io.out(`Continuum is up.\n  API:         ${emb.url}\n  Admin token: ${emb.adminToken}\n  Token file:  ${dataDir}/admin.token\n  Config:      ${dataDir}/config.json${v['no-user-config'] ? '' : ` and ${userConfigPath()}`}\n  Sites:       ${emb.summary}\nTry: continuum get sites    (Ctrl-C to stop)\n`);
    await new Promise<void>((r) => (io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true })));
    io.err('shutting down ...\n');
    await emb.stop({ stopWorkloads: !!v['stop-workloads-on-exit'] });
    io.err(`stopped; state kept in ${dataDir}${v['stop-workloads-on-exit'] ? '' : ' (workloads left running for the next `continuum up`; use --stop-workloads-on-exit to stop them)'}\n`);
  },
};
