// `continuum describe`: a readable account of one object, its conditions and recent events.
import { stringify } from 'yaml';
import { EventKind, SYSTEM_NAMESPACE, type AnyResource, type Event } from '../../model/index.js';
import type { ContinuumClient } from '../../client/index.js';
import { CONNECTION, clientFrom, kindArg, splitKindName, UsageError, type Command } from '../command.js';
import { age, table } from '../output.js';

const indent = (s: string, n = 2): string =>
  s
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n') + '\n';

async function eventsFor(client: ContinuumClient, obj: AnyResource): Promise<Event[]> {
  try {
    const ns = obj.metadata.namespace ?? SYSTEM_NAMESPACE;
    const r = await client.list(EventKind, {
      namespace: ns,
      fieldSelector: `spec.involvedObject.uid=${obj.metadata.uid}`,
    });
    return r.items.sort((a, b) => String(a.spec.lastTimestamp).localeCompare(String(b.spec.lastTimestamp)));
  } catch {
    return [];
  }
}

export function describeObject(obj: AnyResource, events: Event[], now = Date.now()): string {
  const m = obj.metadata;
  let out = '';
  out += `Name:          ${m.name}\n`;
  if (m.namespace) out += `Namespace:     ${m.namespace}\n`;
  out += `Kind:          ${obj.kind} (${obj.apiVersion})\n`;
  out += `Labels:        ${
    Object.entries(m.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || '<none>'
  }\n`;
  if (m.annotations && Object.keys(m.annotations).length)
    out += `Annotations:   ${Object.entries(m.annotations)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`;
  out += `Created:       ${m.creationTimestamp} (${age(m.creationTimestamp, now)} ago)\n`;
  out += `Generation:    ${m.generation}   Resource version: ${m.resourceVersion}\n`;
  if (m.deletionTimestamp)
    out += `Deleting since: ${m.deletionTimestamp} (finalizers: ${(m.finalizers ?? []).join(', ')})\n`;
  if (m.ownerReferences?.length)
    out += `Owned by:      ${m.ownerReferences.map((r) => `${r.kind}/${r.name}`).join(', ')}\n`;
  out += `Spec:\n${indent(stringify(obj.spec ?? {}))}`;
  const { conditions, ...status } = (obj.status ?? {}) as { conditions?: Array<Record<string, string>> } & Record<
    string,
    unknown
  >;
  if (Object.keys(status).length) out += `Status:\n${indent(stringify(status))}`;
  if (conditions?.length) {
    out += 'Conditions:\n';
    out += indent(
      table([
        ['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'],
        ...conditions.map((c) => [c.type, c.status, c.reason ?? '', age(c.lastTransitionTime, now), c.message ?? '']),
      ]),
    );
  }
  out += 'Events:';
  if (!events.length) return out + ' <none>\n';
  out +=
    '\n' +
    indent(
      table([
        ['TYPE', 'REASON', 'AGE', 'FROM', 'MESSAGE'],
        ...events.map((e) => [
          e.spec.type,
          e.spec.reason,
          `${age(e.spec.lastTimestamp, now)}${(e.spec.count ?? 1) > 1 ? ` (x${e.spec.count})` : ''}`,
          e.spec.source ?? '',
          e.spec.message,
        ]),
      ]),
    );
  return out;
}

export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show details of an object, its conditions and events',
  usage: 'continuum describe KIND NAME [-n NS]',
  options: { ...CONNECTION },
  async run(v, positionals, io) {
    const [alias, name] = splitKindName(positionals);
    const kind = kindArg(alias, this.usage);
    if (!name) throw new UsageError(`a name is required\nusage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const obj = await client.get(kind, kind.namespaced ? namespace : undefined, name);
    io.out(describeObject(obj, await eventsFor(client, obj)));
  },
};
