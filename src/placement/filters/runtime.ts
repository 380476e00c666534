// Filter: the site must run the component's runtime kind (process, function, kubernetes, container).
import type { RuntimeKind } from '../../model/index.js';
import { NODE_MIXED, NODE_PASS } from '../stage.js';
import type { Filter } from '../stage.js';
import { runtimeBit } from '../snapshot.js';

interface State {
  runtime: RuntimeKind;
  bit: number;
}

export const runtimeFilter: Filter<State> = {
  stage: 'filter',
  name: 'runtime',
  order: 70,
  description: "The site must run the component's runtime kind.",
  reads: { request: ['runtime'], site: ['runtimeMask'] },
  prepare: (_ctx, plan) => ({ runtime: plan.component.runtime, bit: runtimeBit(plan.component.runtime) }),
  site: (site, s) => (site.runtimeMask & s.bit ? 0 : 1),
  node: (node, s) => (node.runtimeAll & s.bit ? NODE_PASS : node.runtimeAny & s.bit ? NODE_MIXED : 1),
  describe: (_code, n, s) => `${n} lack the ${s.runtime} runtime`,
};
