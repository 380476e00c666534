// Filter: with spread requested, replicas of a component go to distinct sites and/or distinct providers.
import type { Filter } from '../context.js';

interface State {
  sites: boolean;
  providers: boolean;
  component: string;
}

const SAME_SITE = 1;
const SAME_PROVIDER = 2;

export const spreadFilter: Filter<State> = {
  name: 'spread',
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
