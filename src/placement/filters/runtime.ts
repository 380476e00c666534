// Filter: the site must offer one of the component's runtime kinds (process, function, kubernetes, container).
import { RUNTIMES } from '../../model/index.js';
import type { RuntimeKind } from '../../model/index.js';
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';
import { runtimeBit } from '../snapshot.js';

interface State {
  /** The allowed runtimes, in preference order. */
  runtimes: readonly RuntimeKind[];
  /** Their bits: a site passes when it offers any of them. */
  bit: number;
}

/**
 * A rejection's code is 1 + the site's runtime mask (what it offers: detected-available within
 * Site.spec.runtimes, see buildSnapshot), so the reason can name the offered kinds; a cell is rejected
 * whole only when all its sites offer the same kinds, none of them the wanted one.
 */
const codeOf = (mask: number): number => mask + 1;
const offered = (code: number): string[] => RUNTIMES.filter((r) => (code - 1) & runtimeBit(r));

export const runtimeFilter: Filter<State> = {
  stage: 'filter',
  name: 'runtime',
  order: 70,
  description:
    "The site must offer one of the component's runtime kinds (detected by its agent, within spec.runtimes).",
  reads: { request: ['runtime'], site: ['runtimeMask'] },
  prepare: (_ctx, plan) => {
    const runtimes = plan.component.runtimes ?? [plan.component.runtime];
    return { runtimes, bit: runtimes.reduce((m, r) => m | runtimeBit(r), 0) };
  },
  site: (site, s) => (site.runtimeMask & s.bit ? 0 : codeOf(site.runtimeMask)),
  node: (node, s) =>
    node.runtimeAll & s.bit
      ? NODE_PASS
      : node.runtimeAny & s.bit || node.runtimeAny !== node.runtimeAll
        ? NODE_MIXED
        : codeOf(node.runtimeAny),
  describe: (code, n, s) => {
    const kinds = offered(code);
    return kinds.length
      ? `${n} offer ${kinds.join('/')} but not ${s.runtimes.join(' or ')}`
      : `${n} offer no runtime (${s.runtimes.join(' or ')} needed)`;
  },
};
