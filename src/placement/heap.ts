// A binary max-heap of index cells keyed by their score bound, for best-first search.
import type { IndexNode } from './site-index.js';

export interface HeapEntry {
  node: IndexNode;
  bound: number;
  /** Bit i set when active filter i passes every site of the cell. */
  passMask: number;
}

/** Ties pop in insertion order of the cell (lower `start` first), so the search order is deterministic. */
export class BoundHeap {
  private readonly items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: HeapEntry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!above(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): HeapEntry | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && above(a[l], a[m])) m = l;
        if (r < a.length && above(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }

  /** Sites in all queued cells. */
  queuedSites(): number {
    let n = 0;
    for (const e of this.items) n += e.node.count;
    return n;
  }
}

const above = (a: HeapEntry, b: HeapEntry): boolean =>
  a.bound > b.bound || (a.bound === b.bound && a.node.start < b.node.start);
