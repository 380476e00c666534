// Filter hook: tenant quota checked per replica and site; inactive until a QuotaHook is supplied.
import type { Filter } from '../stage.js';
import type { QuotaHook } from '../types.js';
import { ReasonTable } from './hook-reasons.js';

interface State {
  hook: QuotaHook;
  reasons: ReasonTable;
}

export const quotaFilter: Filter<State> = {
  stage: 'filter',
  name: 'quota',
  order: 130,
  description: 'Tenant quota hook, checked per replica and site; inactive until a hook is supplied.',
  reads: { request: [], site: [], context: ['quota hook', 'placed replicas'] },
  prepare: (ctx) => (ctx.hooks.quota ? { hook: ctx.hooks.quota, reasons: new ReasonTable() } : null),
  site: (site, s, ctx, plan) => {
    const reason = s.hook.check({
      namespace: ctx.request.namespace,
      component: plan.component,
      site,
      placed: { ...ctx.placed },
    });
    return reason === undefined ? 0 : s.reasons.code(reason);
  },
  describe: (code, n, s) => `${n} ${s.reasons.text(code)}`,
};
