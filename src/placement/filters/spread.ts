// Filter: with spread requested, replicas of a component go to distinct sites and/or distinct providers.
import type { Filter } from '../stage.js';

interface State {
  sites: boolean;
  providers: boolean;
  component: string;
}

const SAME_SITE = 1;
const SAME_PROVIDER = 2;

export const spreadFilter: Filter<State> = {
  stage: 'filter',
  name: 'spread',
  order: 110,
  description: 'With spread asked, replicas of a component go to distinct sites and/or providers.',
  reads: { request: ['requirements.spread'], site: ['index', 'provider'], context: ['placed replicas'] },
  prepare: (_ctx, plan) => {
    const sp = plan.component.requirements.spread;
    if (!sp?.sites && !sp?.providers) return null;
    return { sites: sp.sites ?? false, providers: sp.providers ?? false, component: plan.component.name };
  },
  site: (site, s, ctx) => {
    if (s.sites && ctx.usedSites.get(s.component)?.has(site.index)) return SAME_SITE;
    if (s.providers && ctx.usedProviders.get(s.component)?.has(site.provider)) return SAME_PROVIDER;
    return 0;
  },
  describe: (code, n, s) =>
    code === SAME_SITE
      ? `${n} already host a replica of ${s.component}`
      : `${n} belong to providers already hosting a replica of ${s.component}`,
};
