// `continuum create namespace NAME`: the one imperative create kubectl users reach for.
import { API_VERSION, NamespaceKind } from '../../model/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

export const createCommand: Command = {
  name: 'create',
  summary: 'Create a namespace (tenant): create namespace NAME',
  usage: 'continuum create namespace NAME',
  options: { ...CONNECTION },
  async run(v, positionals, io) {
    const [what, name] = positionals;
    if (!['namespace', 'ns', 'tenant'].includes(what ?? '') || !name) throw new UsageError(`usage: ${this.usage}`);
    const { client } = clientFrom(v);
    await client.create({ apiVersion: API_VERSION, kind: NamespaceKind.kind, metadata: { name } });
    io.out(`namespace/${name} created\n`);
  },
};
