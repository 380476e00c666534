// `continuum sync DIR [--prune] [--dry-run]`: reconciles the server with a folder of manifests (GitOps) and
// reports drift: objects created, changed back to the folder's spec (with the fields that had drifted), pruned.
import { basename, resolve } from 'node:path';
import { ApiError, allKinds, type AnyResource, type ResourceInput } from '../../model/index.js';
import { kindOf } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';
import { readManifests } from './manifests.js';

/** Label carrying the sync source an object came from; prune only ever touches objects with the same value. */
export const SYNC_LABEL = 'continuum.eu/sync';

/** Dotted paths under `want` whose value differs in `have` (fields absent from `want` are not drift). */
export function driftPaths(want: unknown, have: unknown, path = ''): string[] {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    const h =
      have !== null && typeof have === 'object' && !Array.isArray(have) ? (have as Record<string, unknown>) : {};
    return Object.entries(want as Record<string, unknown>).flatMap(([k, v]) =>
      driftPaths(v, h[k], path ? `${path}.${k}` : k),
    );
  }
  return JSON.stringify(want) === JSON.stringify(have) ? [] : [path];
}

const sourceName = (dir: string): string =>
  basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 63) || 'manifests';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Reconcile the server with a folder of manifests and report drift (GitOps)',
  usage: 'continuum sync DIR [--prune] [--dry-run] [--source NAME]',
  options: {
    ...CONNECTION,
    prune: { type: 'boolean', description: 'Delete objects synced earlier from this source that left the folder' },
    'dry-run': { type: 'boolean', description: 'Report what would change; the server admits each change, stores none' },
    source: {
      type: 'string',
      description: `Value of the ${SYNC_LABEL} label (default: the folder name)`,
      placeholder: 'NAME',
    },
  },
  async run(v, p, io) {
    const dir = p[0];
    if (!dir || p.length > 1) throw new UsageError(`usage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const source = typeof v.source === 'string' ? v.source : sourceName(dir);
    const dry = v['dry-run'] === true;
    const suffix = dry ? ' (dry run)' : '';
    const manifests = readManifests([dir], namespace);
    const keep = new Set<string>();
    let failed = 0;
    let drifted = 0;
    for (const m of manifests) {
      const obj: ResourceInput = {
        ...m.object,
        metadata: { ...m.object.metadata, labels: { ...(m.object.metadata.labels ?? {}), [SYNC_LABEL]: source } },
      };
      const kind = kindOf(obj);
      const ns = kind.namespaced ? (obj.metadata.namespace ?? namespace) : undefined;
      const ref = `${kind.singular}/${obj.metadata.name}`;
      keep.add(`${kind.kind}/${ns ?? ''}/${obj.metadata.name}`);
      try {
        const current = await client.get(kind, ns, obj.metadata.name).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return undefined;
          throw e;
        });
        const drift = current
          ? driftPaths(
              { spec: obj.spec, labels: obj.metadata.labels },
              { spec: current.spec, labels: current.metadata.labels },
            )
          : [];
        const { result } = await client.apply(obj, { dryRun: dry });
        if (drift.length) drifted++;
        io.out(`${ref} ${result}${drift.length ? ` (drift: ${drift.join(', ')})` : ''}${suffix}\n`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed++;
        io.err(`error: ${m.source} (document ${m.index}) ${ref}: ${e.message}\n`);
        for (const f of e.errors.slice(0, 10)) io.err(`  ${f.field}: ${f.message}\n`);
      }
    }
    let pruned = 0;
    if (v.prune === true && failed === 0) {
      for (const kind of allKinds()) {
        if (kind.kind === 'Token' || kind.kind === 'Event') continue;
        let items: AnyResource[];
        try {
          items = (await client.list(kind, { labelSelector: `${SYNC_LABEL}=${source}` })).items;
        } catch (e) {
          if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 405)) continue;
          throw e;
        }
        for (const o of items) {
          const ns = kind.namespaced ? o.metadata.namespace : undefined;
          if (keep.has(`${kind.kind}/${ns ?? ''}/${o.metadata.name}`)) continue;
          if (!dry) await client.delete(kind, ns, o.metadata.name);
          pruned++;
          io.out(`${kind.singular}/${o.metadata.name} pruned${suffix}\n`);
        }
      }
    } else if (v.prune === true) io.err('not pruning: some objects failed to apply\n');
    io.out(
      `sync ${source}: ${manifests.length} object(s), ${drifted} drifted, ${pruned} pruned, ${failed} failed${suffix}\n`,
    );
    return failed ? 1 : 0;
  },
};
