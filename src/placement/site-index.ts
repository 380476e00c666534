// Site index: one ball tree of geographic cells per (country, category), each cell carrying bounds the search prunes with.
import { CATEGORIES } from '../model/index.js';
import type { Category } from '../model/index.js';
import { greatCircleKm } from '../topology/latency.js';
import type { SnapshotSite } from './types.js';

/**
 * A cell of the index: sites order[start, end) of one root, inside a ball of `radiusKm` around its
 * centre. Every aggregate is exact over those sites as they are in the snapshot; decisions only ever
 * add load on top of the snapshot, so "max free" stays an upper bound and "min fraction used" a lower one.
 */
export interface IndexNode {
  readonly root: number;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly left: IndexNode | null;
  readonly right: IndexNode | null;
  readonly latitude: number;
  readonly longitude: number;
  readonly radiusKm: number;
  readonly maxFreeCpu: number;
  readonly maxFreeMemory: number;
  readonly maxFreeGpu: number;
  readonly maxFreeStorage: number;
  readonly minCpuHour: number;
  readonly minMemoryGiBHour: number;
  readonly minGpuHour: number;
  readonly minStorageGiBHour: number;
  readonly minCarbon: number;
  readonly maxCarbon: number;
  /** Min over sites of allocated/allocatable (1 where nothing is allocatable). */
  readonly minCpuFrac: number;
  readonly minMemoryFrac: number;
  readonly maxAllocCpu: number;
  readonly maxAllocMemory: number;
  /** Bit per provider index present in the cell. */
  readonly providerMask: Uint32Array;
  readonly hasUnknownProvider: boolean;
  /** Runtime bits supported by some / by every site. */
  readonly runtimeAny: number;
  readonly runtimeAll: number;
  /** Every site is ready, schedulable and untainted. */
  readonly allClean: boolean;
}

export interface IndexRoot {
  readonly id: number;
  readonly country: string;
  readonly category: Category;
  readonly node: IndexNode;
}

export interface SiteIndex {
  readonly roots: readonly IndexRoot[];
  /** Site indexes in cell order; a node covers order[start, end). */
  readonly order: Int32Array;
  /** Position of each site (by site index) in `order`. */
  readonly positionOf: Int32Array;
  readonly nodeCount: number;
  readonly leafSize: number;
}

export const DEFAULT_LEAF_SIZE = 16;

/** Builds the index; deterministic for a given site list. */
export function buildSiteIndex(
  sites: readonly SnapshotSite[],
  providerCount: number,
  leafSize = DEFAULT_LEAF_SIZE,
): SiteIndex {
  const groups = new Map<string, number[]>();
  for (const s of sites) {
    const key = `${s.country}\u0000${CATEGORIES.indexOf(s.category)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s.index);
  }
  const keys = [...groups.keys()].sort();
  const order = new Int32Array(sites.length);
  const words = Math.max(1, Math.ceil(providerCount / 32));
  const roots: IndexRoot[] = [];
  let offset = 0;
  let nodeCount = 0;
  const build = (root: number, start: number, end: number): IndexNode => {
    nodeCount++;
    const count = end - start;
    let left: IndexNode | null = null;
    let right: IndexNode | null = null;
    if (count > leafSize) {
      splitByWiderAxis(sites, order, start, end);
      const mid = start + (count >> 1);
      left = build(root, start, mid);
      right = build(root, mid, end);
    }
    return summarise(sites, order, root, start, end, left, right, words);
  };
  for (const key of keys) {
    const members = groups.get(key)!;
    members.forEach((siteIndex, i) => (order[offset + i] = siteIndex));
    const first = sites[members[0]];
    const id = roots.length;
    roots.push({
      id,
      country: first.country,
      category: first.category,
      node: build(id, offset, offset + members.length),
    });
    offset += members.length;
  }
  const positionOf = new Int32Array(sites.length);
  order.forEach((siteIndex, pos) => (positionOf[siteIndex] = pos));
  return { roots, order, positionOf, nodeCount, leafSize };
}

/** Sorts order[start, end) along the wider geographic axis so halves are compact cells. */
function splitByWiderAxis(sites: readonly SnapshotSite[], order: Int32Array, start: number, end: number): void {
  let minLat = Infinity,
    maxLat = -Infinity,
    minLon = Infinity,
    maxLon = -Infinity;
  for (let i = start; i < end; i++) {
    const s = sites[order[i]];
    minLat = Math.min(minLat, s.latitude);
    maxLat = Math.max(maxLat, s.latitude);
    minLon = Math.min(minLon, s.longitude);
    maxLon = Math.max(maxLon, s.longitude);
  }
  const lonScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const byLat = maxLat - minLat >= (maxLon - minLon) * lonScale;
  const part = Array.from(order.subarray(start, end));
  part.sort((a, b) => {
    const d = byLat ? sites[a].latitude - sites[b].latitude : sites[a].longitude - sites[b].longitude;
    return d !== 0 ? d : a - b;
  });
  order.set(part, start);
}

function summarise(
  sites: readonly SnapshotSite[],
  order: Int32Array,
  root: number,
  start: number,
  end: number,
  left: IndexNode | null,
  right: IndexNode | null,
  words: number,
): IndexNode {
  let lat = 0,
    lon = 0;
  for (let i = start; i < end; i++) {
    lat += sites[order[i]].latitude;
    lon += sites[order[i]].longitude;
  }
  const count = end - start;
  const latitude = lat / count;
  const longitude = lon / count;
  const providerMask = new Uint32Array(words);
  const n = {
    radiusKm: 0,
    maxFreeCpu: -Infinity,
    maxFreeMemory: -Infinity,
    maxFreeGpu: -Infinity,
    maxFreeStorage: -Infinity,
    minCpuHour: Infinity,
    minMemoryGiBHour: Infinity,
    minGpuHour: Infinity,
    minStorageGiBHour: Infinity,
    minCarbon: Infinity,
    maxCarbon: -Infinity,
    minCpuFrac: Infinity,
    minMemoryFrac: Infinity,
    maxAllocCpu: 0,
    maxAllocMemory: 0,
    hasUnknownProvider: false,
    runtimeAny: 0,
    runtimeAll: ~0,
    allClean: true,
  };
  for (let i = start; i < end; i++) {
    const s = sites[order[i]];
    const a = s.allocatable;
    const u = s.allocated;
    n.radiusKm = Math.max(n.radiusKm, greatCircleKm({ latitude, longitude }, s));
    n.maxFreeCpu = Math.max(n.maxFreeCpu, a.cpu - u.cpu);
    n.maxFreeMemory = Math.max(n.maxFreeMemory, a.memory - u.memory);
    n.maxFreeGpu = Math.max(n.maxFreeGpu, a.gpu - u.gpu);
    n.maxFreeStorage = Math.max(n.maxFreeStorage, a.storage - u.storage);
    n.minCpuHour = Math.min(n.minCpuHour, s.pricing.cpuHour);
    n.minMemoryGiBHour = Math.min(n.minMemoryGiBHour, s.pricing.memoryGiBHour);
    n.minGpuHour = Math.min(n.minGpuHour, s.pricing.gpuHour);
    n.minStorageGiBHour = Math.min(n.minStorageGiBHour, s.pricing.storageGiBHour);
    n.minCarbon = Math.min(n.minCarbon, s.carbonIntensity);
    n.maxCarbon = Math.max(n.maxCarbon, s.carbonIntensity);
    n.minCpuFrac = Math.min(n.minCpuFrac, a.cpu > 0 ? u.cpu / a.cpu : 1);
    n.minMemoryFrac = Math.min(n.minMemoryFrac, a.memory > 0 ? u.memory / a.memory : 1);
    n.maxAllocCpu = Math.max(n.maxAllocCpu, a.cpu);
    n.maxAllocMemory = Math.max(n.maxAllocMemory, a.memory);
    if (s.providerIndex < 0) n.hasUnknownProvider = true;
    else providerMask[s.providerIndex >>> 5] |= 1 << (s.providerIndex & 31);
    n.runtimeAny |= s.runtimeMask;
    n.runtimeAll &= s.runtimeMask;
    if (!s.clean) n.allClean = false;
  }
  return { root, start, end, count, left, right, latitude, longitude, providerMask, ...n };
}

/** The deepest nodes' sites, for tests and diagnostics. */
export function leaves(node: IndexNode): IndexNode[] {
  if (!node.left || !node.right) return [node];
  return [...leaves(node.left), ...leaves(node.right)];
}
