// `continuum version`: client and server versions.
import { VERSION } from '../../lib/index.js';
import { CONNECTION, clientFrom, type Command } from '../command.js';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the client and server versions',
  usage: 'continuum version [--client] [-o json]',
  options: {
    ...CONNECTION,
    client: { type: 'boolean', description: 'Only the client version (no server needed)' },
    output: { type: 'string', short: 'o', description: 'Output format: json', placeholder: 'FORMAT' },
  },
  async run(v, _p, io) {
    const info: Record<string, unknown> = { client: { version: VERSION, node: process.version } };
    if (!v.client) {
      const { client } = clientFrom(v);
      info.server = (await client.http.json('GET', '/version')).body;
    }
    if (v.output === 'json') io.out(JSON.stringify(info, null, 2) + '\n');
    else {
      io.out(`Client Version: ${VERSION}\n`);
      const s = info.server as { version: string; engine: string } | undefined;
      if (s) io.out(`Server Version: ${s.version} (store: ${s.engine})\n`);
    }
  },
};
