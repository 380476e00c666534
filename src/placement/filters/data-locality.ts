// Filter hook: data-location policy (compute goes to data); inactive until a DataLocalityHook is supplied.
import type { Filter } from '../stage.js';
import type { DataLocalityHook } from '../types.js';
import { ReasonTable } from './hook-reasons.js';

interface State {
  hook: DataLocalityHook;
  reasons: ReasonTable;
}

export const dataLocalityFilter: Filter<State> = {
  stage: 'filter',
  name: 'data-locality',
  order: 120,
  description: 'Data-location policy hook (compute goes to data); inactive until a hook is supplied.',
  reads: { request: [], site: [], context: ['data-locality hook'] },
  prepare: (ctx) => (ctx.hooks.dataLocality ? { hook: ctx.hooks.dataLocality, reasons: new ReasonTable() } : null),
  site: (site, s, ctx, plan) => {
    const reason = s.hook.check({ namespace: ctx.request.namespace, component: plan.component, site });
    return reason === undefined ? 0 : s.reasons.code(reason);
  },
  describe: (code, n, s) => `${n} ${s.reasons.text(code)}`,
};
