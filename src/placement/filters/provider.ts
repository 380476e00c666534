// Filter: the site's provider must have the required headquarters, certifications and attributes.
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';
import { EU_COUNTRIES } from '../defaults.js';
import type { SnapshotProvider } from '../types.js';
import type { Requirements } from '../../model/index.js';

type ProviderRequirements = NonNullable<Requirements['providerAttributes']>;

const HQ_COUNTRY = 1;
const HQ_EU = 2;
const CERTIFICATION = 3;
const ATTRIBUTE = 4;
const UNKNOWN = 5;

interface State {
  req: ProviderRequirements;
  /** Verdict per provider index (0 = acceptable). */
  codes: Int32Array;
  /** Bit per acceptable provider index. */
  allowedMask: Uint32Array;
}

/** Verdict for one provider: plain attribute claims now; verifiable credentials will plug in here. */
export function providerVerdict(p: SnapshotProvider, req: ProviderRequirements): number {
  if (req.headquartersCountries && !req.headquartersCountries.includes(p.headquartersCountry)) return HQ_COUNTRY;
  if (req.headquartersEU && !EU_COUNTRIES.has(p.headquartersCountry)) return HQ_EU;
  if (req.certifications?.some((c) => !p.certifications.includes(c))) return CERTIFICATION;
  for (const [k, v] of Object.entries(req.attributes ?? {})) if (p.attributes[k] !== v) return ATTRIBUTE;
  return 0;
}

export const providerFilter: Filter<State> = {
  stage: 'filter',
  name: 'provider',
  order: 50,
  description: "The site's provider must have the required headquarters, certifications and attributes.",
  reads: { request: ['requirements.providerAttributes'], site: ['providerIndex'], context: ['providers'] },
  prepare: (ctx, plan) => {
    const req = plan.component.requirements.providerAttributes;
    if (!req) return null;
    const providers = ctx.snapshot.providers;
    const codes = new Int32Array(providers.length);
    const allowedMask = new Uint32Array(Math.max(1, Math.ceil(providers.length / 32)));
    for (const p of providers) {
      codes[p.index] = providerVerdict(p, req);
      if (codes[p.index] === 0) allowedMask[p.index >>> 5] |= 1 << (p.index & 31);
    }
    return { req, codes, allowedMask };
  },
  site: (site, s) => (site.providerIndex < 0 ? UNKNOWN : s.codes[site.providerIndex]),
  node: (node, s) => {
    let anyAllowed = false;
    let anyDenied = node.hasUnknownProvider;
    let sharedCode = node.hasUnknownProvider ? UNKNOWN : 0;
    let mixedCodes = false;
    for (let w = 0; w < node.providerMask.length; w++) {
      const present = node.providerMask[w];
      if (present & s.allowedMask[w]) anyAllowed = true;
      let denied = present & ~s.allowedMask[w];
      while (denied !== 0) {
        const bit = 31 - Math.clz32(denied);
        denied &= ~(1 << bit);
        const code = s.codes[w * 32 + bit];
        if (sharedCode === 0) sharedCode = code;
        else if (code !== sharedCode) mixedCodes = true;
        anyDenied = true;
      }
    }
    if (!anyDenied) return NODE_PASS;
    if (anyAllowed) return NODE_MIXED;
    // Every site fails. The split between reasons is exact when one reason covers the whole cell;
    // otherwise the cell is reported under the first provider's reason (filter totals stay exact).
    void mixedCodes;
    return sharedCode;
  },
  describe: (code, n, s) => {
    switch (code) {
      case HQ_COUNTRY:
        return `${n} run by providers headquartered outside ${(s.req.headquartersCountries ?? []).join(', ')}`;
      case HQ_EU:
        return `${n} run by providers headquartered outside the EU`;
      case CERTIFICATION:
        return `${n} run by providers without ${(s.req.certifications ?? []).join(' + ')}`;
      case ATTRIBUTE:
        return `${n} run by providers without ${Object.entries(s.req.attributes ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`;
      default:
        return `${n} have no known provider`;
    }
  },
};
