// `continuum logs`: a workload's stdout and stderr fetched from its site's agent; -l / deployments: several at once.
import { DeploymentKind, WorkloadKind, type Workload } from '../../model/index.js';
import type { ContinuumClient } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, numberFlag, parseDuration, type Command, type Io } from '../command.js';

const USAGE =
  'continuum logs (WORKLOAD | deployment/NAME [--all-replicas] | -l SELECTOR) [-n NS] [-f] [--tail N] ' +
  '[--previous] [--since DURATION | --since-time TIME] [--prefix] [--max-log-requests N]';

/** The workloads a logs command reads: one by name, all matching a selector, or one/all of a deployment. */
async function targets(client: ContinuumClient, ns: string, v: Record<string, any>, arg?: string): Promise<Workload[]> {
  if (v.selector !== undefined) {
    if (arg) throw new UsageError('give a workload name or -l SELECTOR, not both');
    return (await client.list(WorkloadKind, { namespace: ns, labelSelector: v.selector })).items;
  }
  if (!arg) throw new UsageError(`a workload, deployment/NAME or -l SELECTOR is required\nusage: ${USAGE}`);
  const dep = /^(deployment|deployments|deploy)\/(.+)$/.exec(arg)?.[2];
  if (dep === undefined) {
    const name = arg.replace(/^(workload|workloads|wl)\//, '');
    return [await client.get(WorkloadKind, ns, name)];
  }
  const d = await client.get(DeploymentKind, ns, dep);
  const all = (await client.list(WorkloadKind, { namespace: ns, fieldSelector: `spec.deployment=${dep}` })).items
    .filter((w) => w.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid) && !w.metadata.deletionTimestamp)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (!all.length) throw new UsageError(`deployment ${dep} has no workloads yet`);
  return v['all-replicas'] ? all : [all.find((w) => w.status?.phase === 'Running') ?? all[0]];
}

/** Copies one workload's log to io, each line prefixed with `prefix` (lines may arrive in several chunks). */
async function pump(client: ContinuumClient, ns: string, w: Workload, p: Params, prefix: string, io: Io) {
  let rest = '';
  for await (const chunk of client.logs(ns, w.metadata.name, p, io.signal)) {
    if (!prefix) {
      io.out(chunk);
      continue;
    }
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) io.out(`${prefix}${l}\n`);
  }
  if (rest) io.out(`${prefix}${rest}\n`);
}

type Params = { follow?: boolean; tailLines?: number; previous?: boolean; sinceSeconds?: number; sinceTime?: string };

/** --since / --since-time as the API's sinceSeconds / sinceTime (at most one; the server checks the time). */
function sinceParams(v: Record<string, any>): Pick<Params, 'sinceSeconds' | 'sinceTime'> {
  if (v.since !== undefined && v['since-time'] !== undefined)
    throw new UsageError('give --since or --since-time, not both');
  if (v.since !== undefined) {
    const ms = parseDuration(String(v.since), 'since');
    if (ms <= 0) throw new UsageError('--since must be a positive duration such as 30s, 5m or 1h');
    return { sinceSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  }
  return v['since-time'] !== undefined ? { sinceTime: String(v['since-time']) } : {};
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print the logs of a workload, of a deployment’s replicas, or of workloads matching a selector',
  usage: USAGE,
  options: {
    ...CONNECTION,
    follow: { type: 'boolean', short: 'f', description: 'Keep streaming new output' },
    tail: {
      type: 'string',
      description: 'Only the last N lines (of each workload)',
      placeholder: 'N',
      defaultText: 'all',
    },
    selector: { type: 'string', short: 'l' },
    'all-replicas': { type: 'boolean', description: 'deployment/NAME: every replica, not one' },
    previous: {
      type: 'boolean',
      short: 'p',
      description: 'The previous run of the workload (before its last restart)',
    },
    since: {
      type: 'string',
      description: 'Only lines of the last DURATION (30s, 5m, 1h); process workloads: to within about a second',
      placeholder: 'DURATION',
    },
    'since-time': {
      type: 'string',
      description: 'Only lines since an RFC 3339 time (2026-11-30T12:00:00Z)',
      placeholder: 'TIME',
    },
    prefix: {
      type: 'boolean',
      description: 'Start each line with [workload/site] (the default when several workloads are read)',
    },
    'max-log-requests': {
      type: 'string',
      description: 'Refuse to read more workloads than this at once',
      placeholder: 'N',
      defaultText: '10',
    },
  },
  async run(v, positionals, io) {
    if (positionals.length > 1) throw new UsageError(`one workload at a time (or -l SELECTOR)\nusage: ${USAGE}`);
    const tail = numberFlag(v.tail, 'tail', 0, 1_000_000, { integer: true });
    const max = numberFlag(v['max-log-requests'], 'max-log-requests', 1, 1000, { integer: true }) ?? 10;
    const { client, namespace } = clientFrom(v);
    const wls = await targets(client, namespace, v, positionals[0]);
    if (!wls.length) {
      io.err(`No workloads found in ${namespace} namespace.\n`);
      return 0;
    }
    if (wls.length > max)
      throw new UsageError(`${wls.length} workloads match, more than --max-log-requests ${max}; narrow the selector`);
    const p: Params = {
      follow: v.follow,
      tailLines: tail,
      ...(v.previous ? { previous: true } : {}),
      ...sinceParams(v),
    };
    const prefixed = v.prefix || wls.length > 1;
    const failures: string[] = [];
    // Several workloads are read concurrently (needed with -f); each line stays whole.
    await Promise.all(
      wls.map((w) =>
        pump(client, namespace, w, p, prefixed ? `[${w.metadata.name}/${w.spec.siteName ?? '-'}] ` : '', io).catch(
          (e) => {
            if (io.signal.aborted) return;
            if (wls.length === 1) throw e;
            failures.push(`${w.metadata.name}: ${(e as Error).message}`);
          },
        ),
      ),
    );
    for (const f of failures) io.err(`error: ${f}\n`);
    return failures.length ? 1 : 0;
  },
};
