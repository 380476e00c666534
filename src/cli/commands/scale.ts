// `continuum scale deployment NAME --replicas N [--area A | --component C]`: sets replicas with a merge patch.
import { ApplicationKind, DeploymentKind, type Deployment } from '../../model/index.js';
import { CONNECTION, UsageError, clientFrom, numberFlag, splitKindName, type Command } from '../command.js';

/**
 * The spec patch setting `replicas`: with --area that area's count; with --component an override for that
 * component; with neither, every area's count, or — without areas — an override for every component. Overrides
 * win over area counts, so scaling an area whose components have overrides is refused with that explanation.
 */
export function scalePatch(
  dep: Deployment,
  replicas: number,
  o: { area?: string; component?: string; components: string[] },
): { patch: Record<string, unknown>; what: string } {
  const areas = dep.spec.areas ?? [];
  const overridden = Object.entries(dep.spec.overrides ?? {}).filter(([, ov]) => ov.replicas !== undefined);
  if (o.area !== undefined) {
    if (!areas.some((a) => a.area === o.area))
      throw new UsageError(
        `deployment ${dep.metadata.name} has no area ${JSON.stringify(o.area)}` +
          (areas.length ? ` (areas: ${areas.map((a) => a.area).join(', ')})` : ' (it has no areas)'),
      );
    if (overridden.length)
      throw new UsageError(
        `spec.overrides sets replicas for ${overridden.map(([c]) => c).join(', ')}, which wins over area counts; ` +
          'use --component to scale those',
      );
    return {
      patch: { areas: areas.map((a) => (a.area === o.area ? { ...a, replicas } : a)) },
      what: `area ${o.area}`,
    };
  }
  if (o.component !== undefined) {
    if (!o.components.includes(o.component))
      throw new UsageError(`application has no component ${JSON.stringify(o.component)} (${o.components.join(', ')})`);
    return { patch: { overrides: { [o.component]: { replicas } } }, what: `component ${o.component}` };
  }
  if (areas.length) {
    if (overridden.length)
      throw new UsageError(
        `spec.overrides sets replicas for ${overridden.map(([c]) => c).join(', ')}; use --component to scale those`,
      );
    return { patch: { areas: areas.map((a) => ({ ...a, replicas })) }, what: 'every area' };
  }
  return {
    patch: { overrides: Object.fromEntries(o.components.map((c) => [c, { replicas }])) },
    what: o.components.length === 1 ? `component ${o.components[0]}` : 'every component',
  };
}

export const scaleCommand: Command = {
  name: 'scale',
  summary: 'Set the number of replicas of a deployment (per area, or per component)',
  usage: 'continuum scale deployment NAME --replicas N [--area AREA | --component NAME] [-n NS]',
  options: {
    ...CONNECTION,
    replicas: { type: 'string', description: 'New replica count (0–1000)', placeholder: 'N' },
    area: { type: 'string', description: 'Only this area of service (spec.areas[].replicas)', placeholder: 'AREA' },
    component: {
      type: 'string',
      description: 'Only this component (spec.overrides.NAME.replicas)',
      placeholder: 'NAME',
    },
  },
  async run(v, positionals, io) {
    const [alias, name] = splitKindName(positionals);
    if (!alias || !['deployment', 'deployments', 'deploy'].includes(alias) || !name)
      throw new UsageError(`usage: ${this.usage}`);
    if (v.area !== undefined && v.component !== undefined) throw new UsageError('give --area or --component, not both');
    const replicas = numberFlag(v.replicas, 'replicas', 0, 1000, { integer: true });
    if (replicas === undefined) throw new UsageError(`--replicas is required\nusage: ${this.usage}`);
    const { client, namespace } = clientFrom(v);
    const dep = await client.get(DeploymentKind, namespace, name);
    const app = await client.tryGet(ApplicationKind, namespace, dep.spec.application);
    const components = app?.spec.components.map((c) => c.name) ?? [];
    const { patch, what } = scalePatch(dep, replicas, { area: v.area, component: v.component, components });
    // Pinned to the version read: a concurrent change is a Conflict, not a silent overwrite.
    await client.patch(DeploymentKind, namespace, name, {
      metadata: { resourceVersion: dep.metadata.resourceVersion },
      spec: patch,
    });
    io.out(`deployment/${name} scaled to ${replicas} (${what})\n`);
  },
};
