// `continuum delete`: delete objects by kind and name or from manifests; --wait until they are gone.
import { ApiError, type KindDef } from '../../model/index.js';
import { kindOf, type ContinuumClient } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, kindArg, splitKindName, type Command } from '../command.js';
import { readManifests } from './manifests.js';

async function waitGone(
  client: ContinuumClient,
  kind: KindDef,
  ns: string | undefined,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !signal.aborted) {
    if (!(await client.tryGet(kind, ns, name))) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'Delete objects by name or from files',
  usage: 'continuum delete (-f FILE | KIND NAME...) [-n NS] [--wait] [--timeout SECONDS] [--ignore-not-found]',
  options: {
    ...CONNECTION,
    filename: { type: 'string', short: 'f', multiple: true },
    wait: { type: 'boolean', description: 'Wait until the objects are gone (finalizers done)' },
    timeout: { type: 'string', description: 'How long --wait waits', placeholder: 'SECONDS', defaultText: '60' },
    'ignore-not-found': { type: 'boolean', description: 'Treat objects that do not exist as deleted' },
  },
  async run(v, positionals, io) {
    const { client, namespace } = clientFrom(v);
    const targets: Array<{ kind: KindDef; ns: string | undefined; name: string }> = [];
    if (v.filename?.length) {
      for (const m of readManifests(v.filename, v.namespace ?? namespace).reverse()) {
        const kind = kindOf(m.object);
        targets.push({
          kind,
          ns: kind.namespaced ? m.object.metadata.namespace : undefined,
          name: m.object.metadata.name,
        });
      }
    } else {
      const [alias, first] = splitKindName(positionals);
      const kind = kindArg(alias, this.usage);
      const names = first ? [first, ...positionals.slice(2)] : [];
      if (!names.length) throw new UsageError(`a name is required\nusage: ${this.usage}`);
      for (const name of names) targets.push({ kind, ns: kind.namespaced ? namespace : undefined, name });
    }
    let failed = 0;
    for (const t of targets) {
      try {
        await client.delete(t.kind, t.ns, t.name);
        io.out(`${t.kind.singular}/${t.name} deleted\n`);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'NotFound' && (v['ignore-not-found'] || v.filename?.length)) continue;
        if (!(e instanceof ApiError)) throw e;
        failed++;
        io.err(`error: ${t.kind.singular}/${t.name}: ${e.message}\n`);
      }
    }
    if (v.wait) {
      const timeoutMs = Number(v.timeout ?? 60) * 1000;
      for (const t of targets) {
        if (!(await waitGone(client, t.kind, t.ns, t.name, timeoutMs, io.signal))) {
          io.err(`error: timed out waiting for ${t.kind.singular}/${t.name} to be deleted\n`);
          failed++;
        }
      }
    }
    return failed ? 1 : 0;
  },
};
