// `continuum rollout status|history|undo deployment NAME`: watch a rollout, list its revisions, roll back.
import { stringify } from 'yaml';
import {
  ApplicationKind,
  ControllerRevisionKind,
  DeploymentKind,
  revisionHash,
  WorkloadKind,
  type ControllerRevision,
  type Deployment,
} from '../../model/index.js';
import type { ContinuumClient } from '../../client/index.js';
import { CONNECTION, UsageError, clientFrom, numberFlag, splitKindName, type Command, type Io } from '../command.js';
import { table } from '../output.js';

const USAGE =
  'continuum rollout status deployment NAME [--timeout SECONDS] [-w=false]\n' +
  '       continuum rollout history deployment NAME [--revision N]\n' +
  '       continuum rollout undo deployment NAME [--to-revision N]';

async function revisionsOf(client: ContinuumClient, ns: string, dep: Deployment): Promise<ControllerRevision[]> {
  const r = await client.list(ControllerRevisionKind, {
    namespace: ns,
    fieldSelector: `spec.deployment=${dep.metadata.name}`,
  });
  return r.items
    .filter((x) => x.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid))
    .sort((a, b) => a.spec.revision - b.spec.revision);
}

async function history(client: ContinuumClient, ns: string, dep: Deployment, v: Record<string, any>, io: Io) {
  const revs = await revisionsOf(client, ns, dep);
  const want = numberFlag(v.revision, 'revision', 1, Number.MAX_SAFE_INTEGER, { integer: true });
  if (want !== undefined) {
    const r = revs.find((x) => x.spec.revision === want);
    if (!r) throw new UsageError(`deployment ${dep.metadata.name} has no revision ${want}`);
    io.out(`deployment/${dep.metadata.name} with revision #${want}\nApplication ${r.spec.application}:\n`);
    io.out(stringify(r.spec.applicationSpec).replace(/^/gm, '  '));
    return 0;
  }
  io.out(`deployment/${dep.metadata.name}\n`);
  io.out(
    table([
      ['REVISION', 'CHANGE-CAUSE'],
      ...revs.map((r) => [String(r.spec.revision), r.spec.changeCause ?? '<none>']),
    ]),
  );
  return 0;
}

async function undo(client: ContinuumClient, ns: string, dep: Deployment, v: Record<string, any>, io: Io) {
  const revs = await revisionsOf(client, ns, dep);
  const app = await client.get(ApplicationKind, ns, dep.spec.application);
  const hash = revisionHash(app.spec);
  const current = revs.find((r) => r.spec.hash === hash);
  const to = numberFlag(v['to-revision'], 'to-revision', 0, Number.MAX_SAFE_INTEGER, { integer: true }) ?? 0;
  // 0 (the default) is "the previous one": the newest revision that is not the running spec.
  const target = to
    ? revs.find((r) => r.spec.revision === to)
    : revs.filter((r) => r.spec.hash !== hash && (!current || r.spec.revision < current.spec.revision)).pop();
  if (!target)
    throw new UsageError(
      to
        ? `deployment ${dep.metadata.name} has no revision ${to} (has: ${revs.map((r) => r.spec.revision).join(', ') || 'none'})`
        : `deployment ${dep.metadata.name} has no previous revision to roll back to`,
    );
  if (target.spec.hash === hash) {
    io.out(
      `deployment/${dep.metadata.name} skipped rollback (current template already matches revision ${target.spec.revision})\n`,
    );
    return 0;
  }
  const sharing = (await client.list(DeploymentKind, { namespace: ns })).items
    .filter((d) => d.spec.application === app.metadata.name && d.metadata.name !== dep.metadata.name)
    .map((d) => d.metadata.name);
  // The Application is what a revision snapshots; writing it back (pinned to the version read) is the rollback.
  await client.update({ ...app, spec: target.spec.applicationSpec });
  io.out(`deployment/${dep.metadata.name} rolled back to revision ${target.spec.revision}\n`);
  if (sharing.length)
    io.err(
      `note: application ${app.metadata.name} is also used by deployment(s) ${sharing.join(', ')}; they roll back too\n`,
    );
  return 0;
}

/** Progress of a rollout: how many replicas run the current Application spec and are ready. */
async function progress(client: ContinuumClient, ns: string, name: string): Promise<{ done: boolean; line: string }> {
  const dep = await client.get(DeploymentKind, ns, name);
  const app = await client.get(ApplicationKind, ns, dep.spec.application);
  const wls = (
    await client.list(WorkloadKind, { namespace: ns, fieldSelector: `spec.deployment=${name}` })
  ).items.filter(
    (w) => !w.metadata.deletionTimestamp && w.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid),
  );
  const wanted = (dep.status?.components ?? []).reduce((n, c) => n + c.replicas, 0);
  // A replica is updated when it runs what its component now says (artifact, and the runtime when one is named).
  const comps = new Map(app.spec.components.map((c) => [c.name, c]));
  const updated = wls.filter((w) => {
    const c = comps.get(w.spec.component);
    return (
      !!c &&
      JSON.stringify(c.artifact) === JSON.stringify(w.spec.artifact) &&
      (c.runtime === undefined || c.runtime === w.spec.runtime)
    );
  });
  const ready = updated.filter(
    (w) => w.status?.phase === 'Running' && w.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  const observed = dep.status?.observedGeneration === dep.metadata.generation;
  if (dep.status?.phase === 'Failed')
    throw new Error(`deployment "${name}" failed: ${dep.status.conditions?.map((c) => c.message).join('; ')}`);
  if (!observed || wanted === 0) return { done: false, line: `Waiting for deployment "${name}" rollout to start...` };
  if (updated.length < wanted)
    return {
      done: false,
      line: `Waiting for deployment "${name}" rollout to finish: ${updated.length} out of ${wanted} new replicas have been updated...`,
    };
  if (wls.length > wanted)
    return {
      done: false,
      line: `Waiting for deployment "${name}" rollout to finish: ${wls.length - wanted} old replicas are pending termination...`,
    };
  if (ready.length < wanted)
    return {
      done: false,
      line: `Waiting for deployment "${name}" rollout to finish: ${ready.length} of ${wanted} updated replicas are ready...`,
    };
  // Changes the artifact check cannot see (env, resources, peers) show as the controller's Progressing=True.
  const progressing = dep.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'True')
    return {
      done: false,
      line: `Waiting for deployment "${name}" rollout to finish: ${progressing.reason} (${progressing.message ?? ''})...`,
    };
  return { done: true, line: `deployment "${name}" successfully rolled out` };
}

async function status(client: ContinuumClient, ns: string, name: string, v: Record<string, any>, io: Io) {
  const timeoutS = numberFlag(v.timeout, 'timeout', 0, 86_400) ?? 0;
  const end = timeoutS ? Date.now() + timeoutS * 1000 : Infinity;
  const watch = String(v.watch ?? 'true').replace(/^=/, '') !== 'false';
  let last = '';
  for (;;) {
    const p = await progress(client, ns, name);
    if (p.line !== last) io.out(`${p.line}\n`);
    last = p.line;
    if (p.done) return 0;
    if (!watch) return 1;
    if (Date.now() >= end) {
      io.err(`error: timed out waiting for the rollout of deployment "${name}"\n`);
      return 1;
    }
    if (io.signal.aborted) return 1;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'Follow a deployment rollout, list its revisions, or roll back (undo) to an earlier one',
  usage: USAGE,
  options: {
    ...CONNECTION,
    timeout: {
      type: 'string',
      description: 'status: give up after this long (0: wait forever)',
      placeholder: 'SECONDS',
      defaultText: '0',
    },
    watch: {
      type: 'string',
      short: 'w',
      description: 'status: keep waiting until done (false: report once)',
      placeholder: 'BOOL',
      defaultText: 'true',
    },
    revision: { type: 'string', description: 'history: show this revision’s Application spec', placeholder: 'N' },
    'to-revision': {
      type: 'string',
      description: 'undo: roll back to this revision',
      placeholder: 'N',
      defaultText: 'the previous one',
    },
  },
  async run(v, positionals, io) {
    const [sub, ...rest] = positionals;
    const [alias, name] = splitKindName(rest);
    if (!sub || !['status', 'history', 'undo'].includes(sub)) throw new UsageError(`usage: ${USAGE}`);
    if (
      !alias ||
      !['deployment', 'deployments', 'deploy'].includes(alias) ||
      !name ||
      rest.length > (rest[0].includes('/') ? 1 : 2)
    )
      throw new UsageError(`rollout works on one deployment\nusage: ${USAGE}`);
    const { client, namespace } = clientFrom(v);
    if (sub === 'status') return status(client, namespace, name, v, io);
    const dep = await client.get(DeploymentKind, namespace, name);
    return sub === 'history' ? history(client, namespace, dep, v, io) : undo(client, namespace, dep, v, io);
  },
};
