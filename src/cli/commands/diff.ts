// `continuum diff -f`: what `apply` would change — the live object against the server's dry-run result.
import { stringify } from 'yaml';
import { ApiError, type AnyResource } from '../../model/index.js';
import { kindOf } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';
import { unifiedDiff } from '../textdiff.js';
import { readManifests } from './manifests.js';

/** The object as diffed: without the fields every write changes (resourceVersion). */
function comparable(o: AnyResource | undefined): string {
  if (!o) return '';
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  return stringify({ ...o, metadata });
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Show what apply -f would change (exit 0: no changes, 1: changes, 2: error)',
  usage: 'continuum diff -f FILE|DIR|- [-f ...] [-n NAMESPACE]',
  options: { ...CONNECTION, filename: { type: 'string', short: 'f', multiple: true } },
  async run(v, _p, io) {
    if (!v.filename?.length) throw new UsageError(`-f is required\nusage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const manifests = readManifests(v.filename, v.namespace ?? namespace);
    if (!manifests.length) throw new UsageError(`no objects passed to diff (${v.filename.join(', ')})`);
    let changed = false;
    let failed = false;
    for (const m of manifests) {
      const kind = kindOf(m.object);
      const { namespace: ns, name } = m.object.metadata;
      const label = `${kind.plural}${kind.namespaced ? `/${ns}` : ''}/${name}`;
      try {
        const live = await client.tryGet(kind, kind.namespaced ? ns : undefined, name);
        const { object } = await client.apply(m.object, { dryRun: true });
        const d = unifiedDiff(comparable(live), comparable(object), `live/${label}`, `merged/${label}`);
        if (d) {
          changed = true;
          io.out(d);
        }
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed = true;
        io.err(`error: ${m.source} (document ${m.index}) ${kind.singular}/${name}: ${e.message}\n`);
        for (const f of e.errors.slice(0, 10)) io.err(`  ${f.field}: ${f.message}\n`);
      }
    }
    return failed ? 2 : changed ? 1 : 0;
  },
};
