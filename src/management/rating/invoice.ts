// Invoices: a tenant's usage over a calendar month, rated, as an object and as CSV.
import { ApiError } from '../../model/index.js';
import type { PriceList } from '../kinds.js';
import type { UsageStore } from '../usage/index.js';
import { rate, totals, type LineItem, type RatedSite } from './rate.js';

export interface Invoice {
  kind: 'Invoice';
  tenant: string;
  /** "YYYY-MM" (UTC month). */
  period: string;
  from: string;
  to: string;
  lines: LineItem[];
  /** Total per currency. */
  totals: Record<string, number>;
  /** Sites whose usage no price list covered (their lines are at 0). */
  unpriced: string[];
  /** Hourly roll-up rows the invoice was rated from. */
  usageRows: number;
}

/** [from, to) of a "YYYY-MM" period, epoch ms; BadRequest with the field path otherwise. */
export function periodRange(period: string): { from: number; to: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m)
    throw new ApiError('BadRequest', `period must be YYYY-MM, got ${JSON.stringify(period)}`, [
      { field: 'period', message: 'must be YYYY-MM' },
    ]);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { from: Date.UTC(y, mo, 1), to: Date.UTC(y, mo + 1, 1) };
}

/** The invoice of `tenant` for `period` from the store's hourly roll-ups and the given price lists. */
export async function buildInvoice(
  store: UsageStore,
  tenant: string,
  period: string,
  lists: readonly PriceList[],
  sites: ReadonlyMap<string, RatedSite>,
): Promise<Invoice> {
  const { from, to } = periodRange(period);
  const rows = await store.query({ granularity: 'hour', from, to, namespace: tenant });
  const { lines, unpriced } = rate(rows, lists, sites);
  return {
    kind: 'Invoice',
    tenant,
    period,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    lines,
    totals: totals(lines),
    unpriced,
    usageRows: rows.length,
  };
}

const CSV_COLUMNS: Array<keyof LineItem> = [
  'deployment',
  'component',
  'site',
  'resource',
  'quantity',
  'unit',
  'unitPrice',
  'currency',
  'priceList',
  'amount',
];

const csvCell = (v: unknown): string => {
  const s = typeof v === 'number' ? String(v) : String(v ?? '');
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV: one row per line item, then one "total" row per currency. */
export function invoiceCsv(inv: Invoice): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const l of inv.lines)
    rows.push(CSV_COLUMNS.map((c) => (c === 'amount' ? l.amount.toFixed(2) : csvCell(l[c]))).join(','));
  for (const [cur, t] of Object.entries(inv.totals))
    rows.push(['total', '', '', '', '', '', '', cur, '', t.toFixed(2)].join(','));
  return `${rows.join('\n')}\n`;
}
