// `continuum carbon --tenant T [--by deployment] [--period YYYY-MM] [-o json|csv]`: energy and emissions report.
import { carbonReportCsv, REPORT_GROUPS, type CarbonReport } from '../../sustainability/index.js';
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

/** [from, to) of a UTC month "YYYY-MM" (ms). */
function monthRange(period: string): [number, number] {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const from = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) : NaN;
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || !Number.isFinite(from))
    throw new UsageError(`--period must be a month like 2026-11, not ${JSON.stringify(period)}`);
  return [from, Date.UTC(Number(m[1]), Number(m[2]), 1)];
}

export const carbonCommand: Command = {
  name: 'carbon',
  summary: "Show a tenant's energy (kWh) and emissions (gCO2e) per workload, deployment, site or provider",
  usage: `continuum carbon --tenant T [--by ${REPORT_GROUPS.join('|')}] [--period YYYY-MM] [-o json|csv]`,
  options: {
    ...CONNECTION,
    tenant: { type: 'string', description: 'Tenant (namespace) to report on', placeholder: 'T' },
    by: {
      type: 'string',
      description: `Group by ${REPORT_GROUPS.join(', ')}`,
      placeholder: 'GROUP',
      defaultText: 'deployment',
    },
    period: { type: 'string', description: 'Month, UTC (default: the current one)', placeholder: 'YYYY-MM' },
    output: { type: 'string', short: 'o', description: 'Output format: json or csv', placeholder: 'FORMAT' },
  },
  async run(v, _p, io) {
    const tenant = typeof v.tenant === 'string' ? v.tenant : '';
    if (!tenant) throw new UsageError('--tenant is required');
    const by = typeof v.by === 'string' ? v.by : 'deployment';
    if (!(REPORT_GROUPS as readonly string[]).includes(by))
      throw new UsageError(`--by must be one of ${REPORT_GROUPS.join(', ')}`);
    if (v.output !== undefined && v.output !== 'json' && v.output !== 'csv')
      throw new UsageError(`unknown output format ${String(v.output)} (json or csv)`);
    const [from, to] = monthRange(typeof v.period === 'string' ? v.period : new Date().toISOString().slice(0, 7));
    const { client } = clientFrom(v);
    const q = new URLSearchParams({ namespace: tenant, groupBy: by, from: String(from), to: String(to) });
    const r = (await client.http.json<CarbonReport>('GET', `/metering/v1/carbon?${q}`)).body;
    if (v.output === 'json') io.out(JSON.stringify(r, null, 2) + '\n');
    else if (v.output === 'csv') io.out(carbonReportCsv(r));
    else {
      io.out(`Energy and emissions of ${tenant}, ${r.from} – ${r.to}\n`);
      const rows = r.rows.map((x) => [x.key, x.kWh.toFixed(3), x.gCO2e.toFixed(1), String(x.hours), x.method]);
      const head = [by.toUpperCase(), 'KWH', 'GCO2E', 'HOURS', 'METHOD'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
      for (const row of [head, ...rows])
        io.out(
          row
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd() + '\n',
        );
      io.out(`TOTAL ${r.total.kWh.toFixed(3)} kWh, ${r.total.gCO2e.toFixed(1)} gCO2e\n${r.methodology}\n`);
    }
    return 0;
  },
};
