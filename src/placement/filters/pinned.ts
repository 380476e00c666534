// Filter: a component pinned by the deployment to one named site may only go there.
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';

interface State {
  name: string;
  /** Site index, -1 when no site has that name. */
  index: number;
}

export const pinnedFilter: Filter<State> = {
  stage: 'filter',
  name: 'pinned',
  order: 10,
  description: 'A component pinned by the deployment to one named site may only go there.',
  reads: { request: ['pinnedSite'], site: ['index', 'name'], context: ['snapshot index'] },
  prepare: (ctx, plan) => {
    const name = plan.component.pinnedSite;
    if (name === undefined) return null;
    return { name, index: ctx.snapshot.siteByName(name)?.index ?? -1 };
  },
  site: (site, s) => (site.index === s.index ? 0 : 1),
  node: (node, s, ctx) => {
    if (s.index < 0) return 1;
    const pos = ctx.snapshot.index.positionOf[s.index];
    if (pos < node.start || pos >= node.end) return 1;
    return node.count === 1 ? NODE_PASS : NODE_MIXED;
  },
  describe: (_code, n, s) =>
    s.index < 0 ? `${n} rejected: pinned site ${s.name} does not exist` : `${n} are not the pinned site ${s.name}`,
};
