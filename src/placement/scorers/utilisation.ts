// Shared by balance and bin-packing: a site's mean utilisation after adding one replica.
import type { GroupPlan, PlacementContext } from '../context.js';
import type { IndexNode } from '../site-index.js';
import type { SnapshotSite } from '../types.js';

/**
 * Mean of (allocated + scoring load + request) / allocatable over cpu, memory, and gpu when requested.
 * A dimension the site has none of counts as full.
 */
export function utilisationAfter(site: SnapshotSite, ctx: PlacementContext, plan: GroupPlan): number {
  const r = plan.req;
  const a = site.allocatable;
  const u = site.allocated;
  const e = ctx.scoringLoad.get(site.index);
  const cpu = a.cpu > 0 ? (u.cpu + (e ? e.cpu : 0) + r.cpu) / a.cpu : 1;
  const mem = a.memory > 0 ? (u.memory + (e ? e.memory : 0) + r.memory) / a.memory : 1;
  if (r.gpu > 0) {
    const gpu = a.gpu > 0 ? (u.gpu + (e ? e.gpu : 0) + r.gpu) / a.gpu : 1;
    return (cpu + mem + gpu) / 3;
  }
  return (cpu + mem) / 2;
}

/** Lower bound of utilisationAfter over the cell (extra load only raises utilisation). */
export function utilisationLowerBound(node: IndexNode, plan: GroupPlan): number {
  const r = plan.req;
  const cpu = Math.min(1, node.minCpuFrac + (node.maxAllocCpu > 0 ? r.cpu / node.maxAllocCpu : 0));
  const mem = Math.min(1, node.minMemoryFrac + (node.maxAllocMemory > 0 ? r.memory / node.maxAllocMemory : 0));
  return r.gpu > 0 ? (cpu + mem) / 3 : (cpu + mem) / 2;
}
