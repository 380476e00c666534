// Filter: the site's country must satisfy allowed countries, denied countries and EU-only.
import { NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';
import { EU_COUNTRIES } from '../defaults.js';

const NOT_ALLOWED = 1;
const DENIED = 2;
const OUTSIDE_EU = 3;

interface State {
  allowed: ReadonlySet<string> | undefined;
  denied: ReadonlySet<string> | undefined;
  euOnly: boolean;
}

function check(country: string, s: State): number {
  if (s.allowed && !s.allowed.has(country)) return NOT_ALLOWED;
  if (s.denied?.has(country)) return DENIED;
  if (s.euOnly && !EU_COUNTRIES.has(country)) return OUTSIDE_EU;
  return 0;
}

export const jurisdictionFilter: Filter<State> = {
  stage: 'filter',
  name: 'jurisdiction',
  order: 30,
  description: "The site's country must be allowed, not denied, and in the EU when EU-only is asked.",
  reads: { request: ['requirements.jurisdiction'], site: ['country'] },
  prepare: (_ctx, plan) => {
    const j = plan.component.requirements.jurisdiction;
    if (!j || (!j.allowedCountries && !j.deniedCountries?.length && !j.euOnly)) return null;
    const upper = (xs: readonly string[] | undefined) => (xs ? new Set(xs.map((c) => c.toUpperCase())) : undefined);
    return { allowed: upper(j.allowedCountries), denied: upper(j.deniedCountries), euOnly: j.euOnly ?? false };
  },
  site: (site, s) => check(site.country, s),
  // A root of the index holds one country only, so every cell is homogeneous.
  node: (node, s, ctx) => check(ctx.snapshot.index.roots[node.root].country, s) || NODE_PASS,
  describe: (code, n) =>
    code === NOT_ALLOWED
      ? `${n} outside allowed countries`
      : code === DENIED
        ? `${n} in denied countries`
        : `${n} outside the EU`,
};
