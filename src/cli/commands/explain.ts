// `continuum explain DEPLOYMENT`: why each replica runs where it runs, and why other sites were rejected.
import { DeploymentKind } from '../../model/index.js';
import { formatExplanation } from '../../placement/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Explain the placement of a deployment in plain words',
  usage: 'continuum explain DEPLOYMENT [-n NS] [-o json]',
  options: { ...CONNECTION, output: { type: 'string', short: 'o' } },
  async run(v, positionals, io) {
    const name = positionals[0]?.replace(/^(deployment|deployments|deploy)\//, '');
    if (!name) throw new UsageError(`a deployment name is required\nusage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const dep = await client.get(DeploymentKind, namespace, name);
    const placement = dep.status?.placement;
    if (v.output === 'json') {
      io.out(JSON.stringify(placement ?? null, null, 2) + '\n');
      return;
    }
    if (!placement) {
      io.out(`deployment ${name} has not been placed yet (phase: ${dep.status?.phase ?? 'Pending'})\n`);
      return;
    }
    io.out(`Deployment ${namespace}/${name} — placed ${placement.decidedAt ?? ''} (seed ${placement.seed ?? 0})\n`);
    for (const line of formatExplanation(placement)) io.out(`${line}\n`);
    const placed = dep.status?.conditions?.find((c: { type: string }) => c.type === 'Placed');
    if (placed?.status === 'False') io.out(`\n${placed.reason}: ${placed.message}\n`);
  },
};
