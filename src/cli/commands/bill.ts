// `continuum bill --tenant T --period YYYY-MM [-o json|csv]`: a tenant's invoice for a month, rated from usage records.
import { invoiceCsv, type Invoice } from '../../management/index.js';
import { CONNECTION, clientFrom, type Command } from '../command.js';

export const billCommand: Command = {
  name: 'bill',
  summary: "Show a tenant's invoice for a month (line items per deployment, component, site and resource)",
  usage: 'continuum bill --tenant T --period YYYY-MM [-o json|csv]',
  options: {
    ...CONNECTION,
    tenant: { type: 'string', description: 'Tenant (namespace) to bill', placeholder: 'T' },
    period: { type: 'string', description: 'Month, UTC (default: the current one)', placeholder: 'YYYY-MM' },
    output: { type: 'string', short: 'o', description: 'Output format: json or csv', placeholder: 'FORMAT' },
  },
  async run(v, _p, io) {
    const tenant = typeof v.tenant === 'string' ? v.tenant : '';
    if (!tenant) {
      io.err('bill: --tenant is required\n');
      return 2;
    }
    const period = typeof v.period === 'string' ? v.period : new Date().toISOString().slice(0, 7);
    if (v.output !== undefined && v.output !== 'json' && v.output !== 'csv') {
      io.err(`bill: unknown output format ${String(v.output)} (json or csv)\n`);
      return 2;
    }
    const { client } = clientFrom(v);
    const path = `/metering/v1/invoices/${encodeURIComponent(tenant)}/${encodeURIComponent(period)}`;
    const inv = (await client.http.json<Invoice>('GET', path)).body;
    if (v.output === 'json') io.out(JSON.stringify(inv, null, 2) + '\n');
    else if (v.output === 'csv') io.out(invoiceCsv(inv));
    else {
      io.out(`Invoice ${inv.tenant} ${inv.period} (${inv.from} – ${inv.to})\n`);
      const rows = inv.lines.map((l) => [
        l.deployment || '-',
        l.component || '-',
        l.site,
        l.resource,
        `${round(l.quantity)} ${l.unit}`,
        `${l.unitPrice} ${l.currency}`,
        l.amount.toFixed(2),
      ]);
      const head = ['DEPLOYMENT', 'COMPONENT', 'SITE', 'RESOURCE', 'QUANTITY', 'UNIT PRICE', 'AMOUNT'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      for (const r of [head, ...rows])
        io.out(
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd() + '\n',
        );
      for (const [cur, t] of Object.entries(inv.totals)) io.out(`TOTAL ${cur} ${t.toFixed(2)}\n`);
      if (inv.unpriced.length) io.out(`Unpriced sites (rated at 0): ${inv.unpriced.join(', ')}\n`);
    }
    return 0;
  },
};

const round = (x: number): string => String(Math.round(x * 1e6) / 1e6);
