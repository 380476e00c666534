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

type Values = Record<string, string> | undefined;

/**
 * Secrets are diffed without their values, as kubectl does: each value becomes "***" when both sides agree,
 * "*** (before)" / "*** (after)" when it changes; the ciphertext is left out.
 */
export function maskSecrets(
  live: AnyResource | undefined,
  merged: AnyResource,
): [AnyResource | undefined, AnyResource] {
  if (merged.kind !== 'Secret') return [live, merged];
  const spec = (o: AnyResource | undefined) => (o?.spec ?? {}) as { data?: Values; stringData?: Values };
  const mask = (mine: Values, other: Values, tag: string): Values =>
    mine && Object.fromEntries(Object.entries(mine).map(([k, v]) => [k, other?.[k] === v ? '***' : `*** (${tag})`]));
  const strip = (o: AnyResource, other: AnyResource | undefined, tag: string): AnyResource => {
    const {
      encrypted: _e,
      data,
      stringData,
      ...rest
    } = o.spec as Record<string, unknown> & {
      data?: Values;
      stringData?: Values;
    };
    return {
      ...o,
      spec: {
        ...rest,
        ...(data ? { data: mask(data, spec(other).data, tag) } : {}),
        ...(stringData ? { stringData: mask(stringData, spec(other).stringData, tag) } : {}),
      },
    };
  };
  return [live && strip(live, merged, 'before'), strip(merged, live, 'after')];
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
        const [before, after] = maskSecrets(live, object);
        const d = unifiedDiff(comparable(before), comparable(after), `live/${label}`, `merged/${label}`);
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
