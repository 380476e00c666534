// `continuum apply -f`: idempotent create-or-update of every object in files, directories or stdin.
import { stringify } from 'yaml';
import { ApiError, assertValid } from '../../model/index.js';
import { kindOf } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';
import { readManifests } from './manifests.js';

export const DRY_RUN_MODES = ['none', 'server', 'client'] as const;

/** `--dry-run=server|client|none` → the mode (usage error otherwise). */
export function dryRunMode(v: string | undefined): (typeof DRY_RUN_MODES)[number] {
  if (v === undefined) return 'none';
  if (!(DRY_RUN_MODES as readonly string[]).includes(v))
    throw new UsageError(`--dry-run must be one of ${DRY_RUN_MODES.join(', ')}, not ${JSON.stringify(v)}`);
  return v as (typeof DRY_RUN_MODES)[number];
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Create or update objects from YAML/JSON files (multi-document), directories or stdin',
  usage: 'continuum apply -f FILE|DIR|- [-f ...] [-n NAMESPACE] [--dry-run=server|client] [-o name|yaml|json]',
  options: {
    ...CONNECTION,
    filename: { type: 'string', short: 'f', multiple: true },
    output: {
      type: 'string',
      short: 'o',
      description: 'Print the resulting objects: name, yaml or json',
      placeholder: 'FORMAT',
    },
    'dry-run': {
      type: 'string',
      description:
        'server: the server validates, authorizes and admits each object and stores nothing; ' +
        'client: only check the objects against their schema locally',
      placeholder: 'MODE',
      defaultText: 'none',
    },
  },
  async run(v, _p, io) {
    if (!v.filename?.length) throw new UsageError(`-f is required\nusage: ${this.usage}`);
    const mode = dryRunMode(v['dry-run']);
    if (v.output !== undefined && !['name', 'yaml', 'json'].includes(v.output))
      throw new UsageError('apply prints -o name, yaml or json');
    const manifests = readManifests(v.filename, v.namespace ?? clientNamespace(v));
    if (!manifests.length) throw new UsageError(`no objects passed to apply (${v.filename.join(', ')})`);
    const client = mode === 'client' ? undefined : clientFrom(v).client;
    const suffix = mode === 'none' ? '' : ` (${mode} dry run)`;
    const printed: unknown[] = [];
    let failed = 0;
    for (const m of manifests) {
      const kind = kindOf(m.object);
      const ref = `${kind.singular}/${m.object.metadata.name}`;
      try {
        if (!client) {
          assertValid(kind, m.object);
          printed.push(m.object);
          if (!v.output) io.out(`${ref} valid${suffix}\n`);
          continue;
        }
        const { object, result } = await client.apply(m.object, { dryRun: mode === 'server' });
        printed.push(object);
        if (!v.output || v.output === 'name') io.out(v.output === 'name' ? `${ref}\n` : `${ref} ${result}${suffix}\n`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed++;
        io.err(`error: ${m.source} (document ${m.index}) ${ref}: ${e.message}\n`);
        for (const f of e.errors.slice(0, 10)) io.err(`  ${f.field}: ${f.message}\n`);
      }
    }
    if (v.output === 'yaml') io.out(printed.map((o) => stringify(o)).join('---\n'));
    if (v.output === 'json')
      io.out(
        JSON.stringify(
          printed.length === 1 ? printed[0] : { apiVersion: 'v1', kind: 'List', items: printed },
          null,
          2,
        ) + '\n',
      );
    return failed ? 1 : 0;
  },
};

/** The namespace from flags/config without requiring a server (client dry runs work offline). */
function clientNamespace(v: Record<string, any>): string {
  try {
    return clientFrom(v).namespace;
  } catch {
    return 'default';
  }
}
