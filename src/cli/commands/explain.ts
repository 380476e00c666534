// `continuum explain`: why a Deployment's replicas run where they do, or (-f) where a manifest would run, creating nothing.
import { PLACEMENT_PREVIEW_PATH, type PlacementPreview } from '../../api/index.js';
import { ApiError, DeploymentKind, kindByAlias, type ResourceInput } from '../../model/index.js';
import { formatExplanation } from '../../placement/index.js';
import { CONNECTION, UsageError, clientFrom, type Command, type Io } from '../command.js';
import { readManifests } from './manifests.js';

const USAGE =
  'continuum explain DEPLOYMENT [-n NS] [-o json]\n' +
  '       continuum explain -f FILE|DIR|- [-f ...] [-n NS] [-o json]   (dry run: where it would run, nothing is created)';

/** What to run instead when asked to explain a kind other than Deployment. */
function otherKindHint(kind: string, name: string | undefined): string {
  const k = kindByAlias(kind)!;
  const target = `${k.singular}${name ? ` ${name}` : ''}`;
  const instead =
    k.kind === 'Application'
      ? `to see where an application would run, \`continuum explain -f app.yaml\` (a file with the Application and a Deployment); for a running one, \`continuum explain DEPLOYMENT\``
      : k.kind === 'Workload'
        ? `a workload's placement is its deployment's: \`continuum explain DEPLOYMENT\` (the deployment is in the workload's continuum.eu/deployment label)`
        : `for its details use \`continuum describe ${target}\``;
  return `explain explains the placement of a Deployment (why each replica runs where it runs), not a ${k.kind}; ${instead}`;
}

/** Deployments from the manifests, each with its Application when the files hold it; Applications alone get a default Deployment. */
function previewsOf(
  objects: ResourceInput[],
  io: Io,
): Array<{ deployment: ResourceInput; application?: ResourceInput }> {
  const apps = objects.filter((o) => o.kind === 'Application');
  const deps = objects.filter((o) => o.kind === 'Deployment');
  for (const o of objects)
    if (o.kind !== 'Application' && o.kind !== 'Deployment')
      io.err(`note: ${o.kind}/${o.metadata.name} skipped (explain -f previews Deployments and Applications)\n`);
  const appFor = (d: ResourceInput): ResourceInput | undefined => {
    const want = (d.spec as { application?: string } | undefined)?.application;
    return apps.find((a) => a.metadata.name === want && a.metadata.namespace === d.metadata.namespace);
  };
  const out: Array<{ deployment: ResourceInput; application?: ResourceInput }> = deps.map((d) => {
    const application = appFor(d);
    return { deployment: d, ...(application ? { application } : {}) };
  });
  for (const a of apps) {
    if (deps.some((d) => appFor(d) === a)) continue;
    io.err(
      `note: no Deployment of application ${a.metadata.name} in the files: previewing one replica per component, no areas\n`,
    );
    out.push({
      deployment: {
        apiVersion: a.apiVersion,
        kind: 'Deployment',
        metadata: { name: a.metadata.name, namespace: a.metadata.namespace },
        spec: { application: a.metadata.name },
      },
      application: a,
    });
  }
  return out;
}

async function explainFiles(v: Record<string, any>, io: Io): Promise<number> {
  const { client, namespace } = clientFrom(v);
  const ns = v.namespace ?? namespace;
  const items = previewsOf(
    readManifests(v.filename as string[], ns).map((m) => m.object),
    io,
  );
  if (!items.length) throw new UsageError(`no Deployment or Application in ${(v.filename as string[]).join(', ')}`);
  const results: PlacementPreview[] = [];
  for (const item of items) {
    const target = item.deployment.metadata.namespace ?? ns;
    const path = PLACEMENT_PREVIEW_PATH.replace(':namespace', encodeURIComponent(target));
    results.push((await client.http.json<PlacementPreview>('POST', path, item)).body);
  }
  if (v.output === 'json') io.out(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
  else
    results.forEach((p, i) => {
      if (i > 0) io.out('\n');
      io.out(
        `Deployment ${p.namespace}/${p.deployment} (application ${p.application}) — dry run, nothing was created\n`,
      );
      for (const line of p.lines) io.out(`${line}\n`);
      const unplaced = p.placement?.unplaced ?? [];
      io.out(
        unplaced.length
          ? `would leave ${unplaced.length} of ${p.replicas} replicas unplaced: ${unplaced.join(', ')}\n`
          : `would place all ${p.replicas} replica${p.replicas === 1 ? '' : 's'}\n`,
      );
    });
  return results.every((p) => p.placed) ? 0 : 1;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: "Explain a deployment's placement in plain words; with -f, where a manifest would run (dry run)",
  usage: USAGE,
  options: {
    ...CONNECTION,
    output: { type: 'string', short: 'o' },
    filename: { type: 'string', short: 'f', multiple: true },
  },
  async run(v, positionals, io) {
    if (v.output !== undefined && v.output !== 'json')
      throw new UsageError(`unsupported output ${JSON.stringify(v.output)} (only -o json)\nusage: ${USAGE}`);
    if (v.filename?.length) {
      if (positionals.length) throw new UsageError(`give either -f or a deployment name, not both\nusage: ${USAGE}`);
      return explainFiles(v, io);
    }
    // DEPLOYMENT, deployment/NAME, deployment NAME; another kind gets a pointer to what explains it.
    let [kind, name] = positionals[0]?.includes('/') ? positionals[0].split('/', 2) : [undefined, positionals[0]];
    if (positionals.length === 2 && !kind) [kind, name] = positionals;
    if (positionals.length > 2) throw new UsageError(`too many arguments\nusage: ${USAGE}`);
    if (!name) {
      if (kind || !positionals[0]) throw new UsageError(`a deployment name (or -f FILE) is required\nusage: ${USAGE}`);
    }
    if (kind && kindByAlias(kind)?.kind !== 'Deployment') {
      if (!kindByAlias(kind)) throw new UsageError(`unknown kind ${JSON.stringify(kind)}\nusage: ${USAGE}`);
      throw new UsageError(otherKindHint(kind, name));
    }
    const { client, namespace } = clientFrom(v);
    let dep;
    try {
      dep = await client.get(DeploymentKind, namespace, name!);
    } catch (e) {
      // `explain site` (a kind, no name): not a deployment of that name either.
      const other = !kind && kindByAlias(name!);
      if (e instanceof ApiError && e.code === 'NotFound' && other && other.kind !== 'Deployment')
        throw new UsageError(otherKindHint(name!, undefined));
      throw e;
    }
    const placement = dep.status?.placement;
    if (v.output === 'json') {
      io.out(JSON.stringify(placement ?? null, null, 2) + '\n');
      return;
    }
    if (!placement) {
      io.out(`Deployment ${namespace}/${name} has not been placed yet (phase: ${dep.status?.phase ?? 'Pending'})\n`);
      return;
    }
    io.out(
      `Deployment ${namespace}/${name} (application ${dep.spec.application}) — placed ${placement.decidedAt ?? ''} (seed ${placement.seed ?? 0})\n`,
    );
    for (const line of formatExplanation(placement)) io.out(`${line}\n`);
    const placed = dep.status?.conditions?.find((c: { type: string }) => c.type === 'Placed');
    if (placed?.status === 'False') io.out(`\n${placed.reason}: ${placed.message}\n`);
  },
};
