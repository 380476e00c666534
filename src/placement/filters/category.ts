// Filter: the site's continuum category must be among the allowed ones (default: all).
import { CATEGORIES } from '../../model/index.js';
import type { Category } from '../../model/index.js';
import { categoryBit } from '../context.js';
import { NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';

interface State {
  allowed: readonly Category[];
  mask: number;
}

export const categoryFilter: Filter<State> = {
  stage: 'filter',
  name: 'category',
  order: 20,
  description: "The site's continuum category must be among the allowed ones (default: all).",
  reads: { request: ['requirements.categories'], site: ['category'] },
  prepare: (_ctx, plan) => {
    const allowed = plan.component.requirements.categories?.allowed;
    if (!allowed || allowed.length === CATEGORIES.length) return null;
    return { allowed, mask: allowed.reduce((m, c) => m | categoryBit(c), 0) };
  },
  site: (site, s) => (categoryBit(site.category) & s.mask ? 0 : 1),
  // A root of the index holds one category only, so every cell is homogeneous.
  node: (node, s, ctx) => (categoryBit(ctx.snapshot.index.roots[node.root].category) & s.mask ? NODE_PASS : 1),
  describe: (_code, n, s) => `${n} not in allowed categories (${s.allowed.join(', ')})`,
};
