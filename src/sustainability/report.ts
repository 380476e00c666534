// Energy and carbon reports: usage rows (CPU time per workload and hour) → kWh and gCO2e per chosen grouping.
import { carbonGrams, DEFAULT_POWER_MODEL, workloadEnergy, type PowerModel } from './energy.js';

/** One workload's usage in one hour (the shape of the metering roll-ups; kept structural to stay independent). */
export interface UsageLike {
  /** Start of the hour, epoch ms. */
  bucket: number;
  namespace: string;
  deployment: string;
  component: string;
  site: string;
  workload: string;
  cpuSeconds: number;
  /** Energy the agent measured or attributed itself (kWh); 0 when it had no reading. */
  energyKWh: number;
}

/** What a report needs to know of a site. */
export interface ReportSite {
  provider: string;
  country: string;
  pue: number;
  /** The site's host power model (PUE taken from `pue`); the documented default when absent. */
  power?: Omit<PowerModel, 'pue'>;
}

export const REPORT_GROUPS = ['workload', 'deployment', 'tenant', 'site', 'provider'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export interface ReportRow {
  /** The group's key: "ns/workload", "ns/deployment", the namespace, the site or the provider. */
  key: string;
  kWh: number;
  gCO2e: number;
  /** Hours of usage counted. */
  hours: number;
  /** 'measured' when every hour came with an agent reading, 'estimated' when none did, else 'mixed'. */
  method: 'measured' | 'estimated' | 'mixed';
}

export interface CarbonReport {
  groupBy: ReportGroup;
  from: string;
  to: string;
  rows: ReportRow[];
  total: { kWh: number; gCO2e: number };
  /** How the figures were obtained, to print with them. */
  methodology: string;
}

/**
 * kWh per row: the agent's own figure when it has one, else the site's power model applied to the row's CPU
 * seconds over the hour (dynamic share only: idle power is the site's, not attributed by CPU time here), × PUE.
 * gCO2e = kWh × the intensity of the site's supply in that hour (location-based). Rows of unknown sites count
 * with the default model and the EU average given by `intensity`.
 */
export function carbonReport(
  usage: readonly UsageLike[],
  sites: ReadonlyMap<string, ReportSite>,
  intensity: (site: string, country: string, from: number, to: number) => number,
  o: { groupBy: ReportGroup; from: number; to: number; source: string },
): CarbonReport {
  const keyOf = (u: UsageLike, s: ReportSite | undefined): string => {
    switch (o.groupBy) {
      case 'workload':
        return `${u.namespace}/${u.workload}`;
      case 'deployment':
        return `${u.namespace}/${u.deployment || '-'}`;
      case 'tenant':
        return u.namespace;
      case 'site':
        return u.site;
      case 'provider':
        return s?.provider ?? '-';
    }
  };
  const acc = new Map<string, ReportRow & { measured: number }>();
  for (const u of usage) {
    if (u.bucket < o.from || u.bucket >= o.to) continue;
    const s = sites.get(u.site);
    const model: PowerModel = { ...(s?.power ?? DEFAULT_POWER_MODEL), pue: s?.pue ?? DEFAULT_POWER_MODEL.pue };
    const measured = u.energyKWh > 0;
    const kWh = measured ? u.energyKWh : workloadEnergy(model, { cpuSeconds: u.cpuSeconds, seconds: 3600 }).kWh;
    const g = carbonGrams(kWh, intensity(u.site, s?.country ?? '', u.bucket, u.bucket + 3_600_000));
    const key = keyOf(u, s);
    const row = acc.get(key) ?? { key, kWh: 0, gCO2e: 0, hours: 0, method: 'estimated', measured: 0 };
    row.kWh += kWh;
    row.gCO2e += g;
    row.hours += 1;
    row.measured += measured ? 1 : 0;
    acc.set(key, row);
  }
  const rows = [...acc.values()]
    .map(({ measured, ...r }) => ({
      ...r,
      method: (measured === r.hours ? 'measured' : measured === 0 ? 'estimated' : 'mixed') as ReportRow['method'],
    }))
    .sort((a, b) => b.gCO2e - a.gCO2e || a.key.localeCompare(b.key));
  return {
    groupBy: o.groupBy,
    from: new Date(o.from).toISOString(),
    to: new Date(o.to).toISOString(),
    rows,
    total: { kWh: rows.reduce((a, r) => a + r.kWh, 0), gCO2e: rows.reduce((a, r) => a + r.gCO2e, 0) },
    methodology:
      'location-based: energy = agent readings where present, else the site power model (SPECpower-style, dynamic ' +
      `share by CPU time) × PUE; intensity per site and hour from ${o.source}`,
  };
}

/** The report as CSV (one header line, one line per row, then the total). */
export function carbonReportCsv(r: CarbonReport): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [`${r.groupBy},kwh,gco2e,hours,method`];
  for (const x of r.rows) lines.push(`${q(x.key)},${x.kWh.toFixed(6)},${x.gCO2e.toFixed(3)},${x.hours},${x.method}`);
  lines.push(`total,${r.total.kWh.toFixed(6)},${r.total.gCO2e.toFixed(3)},,`);
  return lines.join('\n') + '\n';
}
