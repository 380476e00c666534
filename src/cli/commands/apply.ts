// `continuum apply -f`: idempotent create-or-update of every object in files, directories or stdin.
import { ApiError } from '../../model/index.js';
import { kindOf } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';
import { readManifests } from './manifests.js';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Create or update objects from YAML/JSON files (multi-document), directories or stdin',
  usage: 'continuum apply -f FILE|DIR|- [-f ...] [-n NAMESPACE] [-o name]',
  options: {
    ...CONNECTION,
    filename: { type: 'string', short: 'f', multiple: true },
    output: { type: 'string', short: 'o', description: 'Output format: name', placeholder: 'FORMAT' },
  },
  async run(v, _p, io) {
    if (!v.filename?.length) throw new UsageError(`-f is required\nusage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const manifests = readManifests(v.filename, v.namespace ?? namespace);
    if (!manifests.length) throw new UsageError(`no objects passed to apply (${v.filename.join(', ')})`);
    let failed = 0;
    for (const m of manifests) {
      const kind = kindOf(m.object);
      try {
        const { result } = await client.apply(m.object);
        io.out(`${kind.singular}/${m.object.metadata.name} ${result}\n`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed++;
        io.err(`error: ${m.source} (document ${m.index}) ${kind.singular}/${m.object.metadata.name}: ${e.message}\n`);
        for (const f of e.errors.slice(0, 10)) io.err(`  ${f.field}: ${f.message}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
