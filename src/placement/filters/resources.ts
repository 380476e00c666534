// Filter: the site's free capacity (allocatable − allocated − reserved − this decision) must fit the replica.
import { formatMiB, formatMilliCpu } from '../../model/index.js';
import { NODE_MIXED } from '../stage.js';
import type { Filter } from '../stage.js';
import type { Amounts, SnapshotSite } from '../types.js';
import type { PlacementContext } from '../context.js';

const GPU = 1;
const GPU_MODEL = 2;
const CPU = 3;
const MEMORY = 4;
const STORAGE = 5;

interface State {
  req: Amounts;
  gpuModel: string | undefined;
}

/** Free amounts on a site given the context's extra load. */
export function freeOn(site: SnapshotSite, ctx: PlacementContext): Amounts {
  const a = site.allocatable;
  const u = site.allocated;
  const e = ctx.extra.get(site.index);
  return {
    cpu: a.cpu - u.cpu - (e?.cpu ?? 0),
    memory: a.memory - u.memory - (e?.memory ?? 0),
    gpu: a.gpu - u.gpu - (e?.gpu ?? 0),
    storage: a.storage - u.storage - (e?.storage ?? 0),
  };
}

/** Dimensions are checked gpu first (the scarcest), then cpu, memory, storage; only requested ones count. */
export const resourcesFilter: Filter<State> = {
  stage: 'filter',
  name: 'resources',
  order: 90,
  description: 'Free cpu, memory, gpu (and gpu model) and storage must fit one more replica.',
  reads: { request: ['resources', 'gpuModel'], site: ['allocatable', 'allocated', 'gpuModel'], context: ['load'] },
  prepare: (_ctx, plan) => ({ req: plan.req, gpuModel: plan.req.gpu > 0 ? plan.component.gpuModel : undefined }),
  site: (site, s, ctx) => {
    const r = s.req;
    const a = site.allocatable;
    const u = site.allocated;
    const e = ctx.extra.get(site.index);
    if (r.gpu > 0) {
      if (r.gpu > a.gpu - u.gpu - (e ? e.gpu : 0)) return GPU;
      if (s.gpuModel !== undefined && site.gpuModel !== s.gpuModel) return GPU_MODEL;
    }
    if (r.cpu > 0 && r.cpu > a.cpu - u.cpu - (e ? e.cpu : 0)) return CPU;
    if (r.memory > 0 && r.memory > a.memory - u.memory - (e ? e.memory : 0)) return MEMORY;
    if (r.storage > 0 && r.storage > a.storage - u.storage - (e ? e.storage : 0)) return STORAGE;
    return 0;
  },
  // The cell's max free comes from the snapshot; decisions only add load, so it never understates.
  node: (node, s) => {
    const r = s.req;
    if (r.gpu > 0 && r.gpu > node.maxFreeGpu) return GPU;
    if (r.cpu > 0 && r.cpu > node.maxFreeCpu) return CPU;
    if (r.memory > 0 && r.memory > node.maxFreeMemory) return MEMORY;
    if (r.storage > 0 && r.storage > node.maxFreeStorage) return STORAGE;
    return NODE_MIXED;
  },
  describe: (code, n, s) => {
    switch (code) {
      case GPU:
        return `${n} lack gpu (need ${s.req.gpu})`;
      case GPU_MODEL:
        return `${n} lack a ${s.gpuModel} gpu`;
      case CPU:
        return `${n} lack cpu (need ${formatMilliCpu(s.req.cpu)})`;
      case MEMORY:
        return `${n} lack memory (need ${formatMiB(s.req.memory)})`;
      default:
        return `${n} lack storage (need ${formatMiB(s.req.storage)})`;
    }
  },
};
