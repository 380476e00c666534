// Test harness for filters and scorers: builds a context and plan, evaluates sites, and checks cell-level claims.
import { PlacementContext } from '../context.js';
import { NODE_PASS } from '../stage.js';
import type { Filter, Penalty, Scorer } from '../stage.js';
import { planGroup } from '../plan.js';
import type { Plan } from '../plan.js';
import type { IndexNode } from '../site-index.js';
import type {
  AreaInput,
  PlacementHooks,
  ProviderInput,
  RequestComponent,
  SiteInput,
  Snapshot,
  SnapshotInput,
} from '../types.js';
import { req, snap } from './fixtures.js';

export interface Harness {
  snapshot: Snapshot;
  ctx: PlacementContext;
  plan: Plan;
}

export function harness(
  sites: SiteInput[],
  component: RequestComponent,
  opts: {
    hooks?: PlacementHooks;
    providers?: ProviderInput[];
    areas?: AreaInput[];
    leafSize?: number;
    latency?: SnapshotInput['latency'];
  } = {},
): Harness {
  const snapshot = snap(sites, { ...opts, leafSize: opts.leafSize ?? 2 });
  const ctx = new PlacementContext(snapshot, req([component]), {
    seed: 0,
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  });
  return { snapshot, ctx, plan: planGroup(ctx, component, component.groups[0]) };
}

/** The filter's verdict per site name (0 = pass), or null when the filter is inactive for the group. */
export function verdicts(filter: Filter, h: Harness): Record<string, number> | null {
  const state: unknown = filter.prepare(h.ctx, h.plan);
  if (state === null) return null;
  return Object.fromEntries(h.snapshot.sites.map((s) => [s.name, filter.site(s, state, h.ctx, h.plan)]));
}

/** Readable reasons for the rejected sites, grouped like explanations do. */
export function reasons(filter: Filter, h: Harness): string[] {
  const state: unknown = filter.prepare(h.ctx, h.plan);
  if (state === null) return [];
  const counts = new Map<number, number>();
  for (const s of h.snapshot.sites) {
    const code = filter.site(s, state, h.ctx, h.plan);
    if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].map(([code, n]) => filter.describe(code, n, state, h.plan));
}

export function allNodes(h: Harness): IndexNode[] {
  const out: IndexNode[] = [];
  const walk = (n: IndexNode | null) => {
    if (!n) return;
    out.push(n);
    walk(n.left);
    walk(n.right);
  };
  for (const r of h.snapshot.index.roots) walk(r.node);
  return out;
}

const sitesOf = (h: Harness, n: IndexNode) =>
  Array.from(h.snapshot.index.order.subarray(n.start, n.end), (i) => h.snapshot.sites[i]);

/** Cell claims that contradict site verdicts: PASS with a failing site, or a code with a passing site. */
export function nodeContradictions(filter: Filter, h: Harness): string[] {
  const state: unknown = filter.prepare(h.ctx, h.plan);
  if (state === null || !filter.node) return [];
  const out: string[] = [];
  for (const n of allNodes(h)) {
    const v = filter.node(n, state, h.ctx, h.plan);
    for (const s of sitesOf(h, n)) {
      const code = filter.site(s, state, h.ctx, h.plan);
      if (v === NODE_PASS && code !== 0) out.push(`cell [${n.start},${n.end}) claims pass but ${s.name} fails ${code}`);
      if (v > 0 && code === 0) out.push(`cell [${n.start},${n.end}) claims fail ${v} but ${s.name} passes`);
    }
  }
  return out;
}

/** Scores by site name, or null when the scorer does not apply to the group. */
export function scores(scorer: Scorer, h: Harness): Record<string, number> | null {
  const state: unknown = scorer.prepare(h.ctx, h.plan);
  if (state === null) return null;
  return Object.fromEntries(h.snapshot.sites.map((s) => [s.name, scorer.score(s, state, h.ctx, h.plan)]));
}

/** Cells whose bound is below the score of one of their sites. */
export function boundViolations(scorer: Scorer, h: Harness): string[] {
  const state: unknown = scorer.prepare(h.ctx, h.plan);
  if (state === null) return [];
  const out: string[] = [];
  for (const n of allNodes(h)) {
    const b = scorer.bound(n, state, h.ctx, h.plan);
    for (const s of sitesOf(h, n)) {
      const v = scorer.score(s, state, h.ctx, h.plan);
      if (v > b + 1e-9) out.push(`${s.name}: score ${v} > bound ${b}`);
    }
  }
  return out;
}

/** Penalties by site name, or null when the penalty does not apply to the group. */
export function penalties(penalty: Penalty, h: Harness): Record<string, number> | null {
  const state: unknown = penalty.prepare(h.ctx, h.plan);
  if (state === null) return null;
  return Object.fromEntries(h.snapshot.sites.map((s) => [s.name, penalty.penalty(s, state, h.ctx, h.plan)]));
}

/** Cells whose floor is above the penalty of one of their sites. */
export function floorViolations(penalty: Penalty, h: Harness): string[] {
  const state: unknown = penalty.prepare(h.ctx, h.plan);
  if (state === null) return [];
  const out: string[] = [];
  for (const n of allNodes(h)) {
    const f = penalty.floor(n, state, h.ctx, h.plan);
    for (const s of sitesOf(h, n)) {
      const v = penalty.penalty(s, state, h.ctx, h.plan);
      if (v < f - 1e-9) out.push(`${s.name}: penalty ${v} < floor ${f}`);
    }
  }
  return out;
}
