// `continuum secrets rotate-key`: a new key-encryption key, with every Secret re-encrypted under it (admin only).
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'Manage Secret encryption at rest (rotate-key)',
  usage: 'continuum secrets rotate-key',
  options: { ...CONNECTION },
  async run(v, positionals, io) {
    if (positionals.length !== 1 || positionals[0] !== 'rotate-key') throw new UsageError(`usage: ${this.usage}`);
    const { client } = clientFrom(v);
    const r = (await client.http.json<{ keyId: string; reencrypted: number }>('POST', '/secrets/v1/rotate-key')).body;
    io.out(`new key-encryption key ${r.keyId}; ${r.reencrypted} Secret(s) re-encrypted\n`);
    return 0;
  },
};
