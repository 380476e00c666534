// Explanations: per-group rejection counts and reasons in plain words, and the printable form of a stored decision.
import type { PlacementContext } from './context.js';
import type { Plan } from './plan.js';
import type { SearchStats } from './search.js';
import type { Assignment, ComponentExplanation, Decision } from './types.js';

/** Builds the ComponentExplanation of one (component, area) group from the search that explains it best. */
export function buildExplanation(
  ctx: PlacementContext,
  plan: Plan,
  stats: SearchStats,
  placed: number,
  wanted: number,
  sites: readonly string[],
): ComponentExplanation {
  const candidates = ctx.snapshot.sites.length;
  const rejected: Record<string, number> = {};
  const byFilter: { text: string; total: number }[] = [];
  plan.filters.forEach((f, i) => {
    const m = stats.rejected[i];
    if (m.size === 0) return;
    let total = 0;
    for (const n of m.values()) total += n;
    rejected[f.filter.name] = total;
    const parts = [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([code, n]) => f.filter.describe(code, n, f.state, plan));
    byFilter.push({ text: parts.join(', '), total });
  });
  const reasons = byFilter.sort((a, b) => b.total - a.total).map((r) => r.text);
  const partial = stats.notExamined > 0 || stats.deferred > 0;
  const name = plan.component.name;
  const where = plan.area
    ? ` in ${plan.area.label}`
    : plan.group.area !== undefined
      ? ` in ${plan.group.area} (unknown area)`
      : '';
  let summary = `${partial ? 'at least ' : ''}${stats.feasible}/${candidates} sites fit component ${name}${where}`;
  if (reasons.length > 0) summary += `: ${reasons.join(', ')}`;
  if (stats.notExamined > 0)
    summary += `; ${stats.notExamined} not examined (could not outscore the chosen site${wanted > 1 ? 's' : ''})`;
  if (stats.deferred > 0) summary += `; ${stats.deferred} in fallback categories not needed`;
  plan.penalties.forEach((p, i) => {
    const n = stats.penalized[i];
    if (n > 0) summary += `; ${p.penalty.describe(n, p.state, plan)}`;
  });
  const unique = [...new Set(sites)];
  const named = unique.map((n) => {
    const via = ctx.snapshot.siteByName(n)?.via;
    return via !== undefined ? `${n} (via federation ${via})` : n;
  });
  summary += `; placed ${placed}/${wanted} replica${wanted === 1 ? '' : 's'}${named.length > 0 ? ` on ${named.join(', ')}` : ''}`;
  if (placed > 0) {
    const w = plan.scorers.map((s) => `${s.scorer.name} ${s.weight}`).join(', ');
    summary += w ? ` (weights: ${w})` : ' (no scorer applies: seeded tie-break)';
  }
  // Carbon figures of countries the data lacks are an assumption: say so, never pass them off as data.
  const assumed = [
    ...new Set(
      unique.flatMap((n) => {
        const s = ctx.snapshot.siteByName(n);
        return s?.gridIntensityAssumed ? [s.country] : [];
      }),
    ),
  ].sort();
  if (assumed.length > 0) {
    const fallback = ctx.snapshot.sites.find((s) => s.gridIntensityAssumed)!.gridIntensity;
    summary += `; no grid carbon data for ${assumed.join(', ')}: ${fallback} gCO2/kWh (EU-27 average) assumed`;
  }
  return {
    component: name,
    ...(plan.group.area !== undefined ? { area: plan.group.area } : {}),
    candidates,
    feasible: stats.feasible,
    rejected,
    reasons,
    summary,
  };
}

/** What `continuum explain` has in a Deployment status (a Decision fits too). */
export type PlacementRecord = Pick<Decision, 'assignments' | 'explanation'> & { unplaced?: readonly string[] };

const fmt = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

/** One line for an assignment: where it went and how it scored. */
export function formatAssignment(a: Assignment): string {
  const who = `${a.component}/${a.replica}${a.area !== undefined ? `@${a.area}` : ''}`;
  const parts: string[] = [];
  if (a.score !== undefined) {
    const breakdown = Object.entries(a.scores ?? {})
      .map(([k, v]) => `${k} ${fmt(v, 1)}`)
      .join(', ');
    parts.push(`score ${fmt(a.score, 1)}${breakdown ? ` (${breakdown})` : ''}`);
  }
  if (a.latencyMs !== undefined) parts.push(`${fmt(a.latencyMs, 1)} ms`);
  if (a.pricePerHour !== undefined) parts.push(`${fmt(a.pricePerHour, 4)}/h`);
  if (a.carbonIntensity !== undefined) parts.push(`${fmt(a.carbonIntensity, 0)} gCO2/kWh`);
  const as = a.runtime !== undefined ? ` as ${a.runtime}` : '';
  const by = a.provider !== undefined ? ` (${a.provider}${a.via !== undefined ? ` via federation ${a.via}` : ''})` : '';
  return `  ${who} -> ${a.site}${by}${as}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/** Plain-English lines: each group's summary followed by its replicas' score breakdowns, then what stayed unplaced. */
export function formatExplanation(record: PlacementRecord): string[] {
  const lines: string[] = [];
  for (const e of record.explanation) {
    lines.push(e.summary);
    for (const a of record.assignments)
      if (a.component === e.component && a.area === e.area) lines.push(formatAssignment(a));
  }
  if (record.unplaced && record.unplaced.length > 0) lines.push(`unplaced: ${record.unplaced.join(', ')}`);
  return lines;
}
