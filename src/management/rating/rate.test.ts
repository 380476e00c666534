// Rating: price list precedence and validity, line splitting at a price change, cent rounding, CSV.
import { describe, expect, it } from 'vitest';
import { API_VERSION } from '../../model/index.js';
import type { PriceList, PriceListSpec } from '../kinds.js';
import type { UsageRow } from '../usage/index.js';
import { invoiceCsv, periodRange } from './invoice.js';
import { priceListFor, rate, totals } from './rate.js';

const pl = (name: string, spec: Partial<PriceListSpec>): PriceList => ({
  apiVersion: API_VERSION,
  kind: 'PriceList',
  metadata: { name, uid: name, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', prices: {}, ...spec },
});
const H = 3_600_000;
const T = Date.UTC(2026, 10, 1);
const row = (bucket: number, cpuSeconds: number, memGiB = 0): UsageRow => ({
  bucket,
  namespace: 'acme',
  deployment: 'shop',
  component: 'api',
  site: 'edge-1',
  workload: 'w',
  cpuSeconds,
  memoryByteSeconds: memGiB * 1024 ** 3 * 3600,
  storageByteSeconds: 0,
  egressBytes: 0,
  invocations: 0,
  energyKWh: 0,
});
const sites = new Map([['edge-1', { provider: 'telco' }]]);

describe('rating', () => {
  it('takes the most specific valid list: site > provider > general; a later validFrom wins a tie', () => {
    const lists = [
      pl('general', { prices: { cpuHour: 1 } }),
      pl('telco', { provider: 'telco', prices: { cpuHour: 2 } }),
      pl('telco-2027', { provider: 'telco', validFrom: '2027-01-01T00:00:00Z', prices: { cpuHour: 3 } }),
      pl('other', { provider: 'other', sites: ['edge-1'], prices: { cpuHour: 9 } }),
    ];
    expect(priceListFor(lists, 'edge-1', sites.get('edge-1'), T)?.name).toBe('telco');
    expect(priceListFor(lists, 'edge-1', sites.get('edge-1'), Date.UTC(2027, 1, 1))?.name).toBe('telco-2027');
    expect(priceListFor(lists, 'edge-2', { provider: 'x' }, T)?.name).toBe('general');
    expect(priceListFor([...lists, pl('edge', { sites: ['edge-1'] })], 'edge-1', sites.get('edge-1'), T)?.name).toBe(
      'edge',
    );
    expect(priceListFor([], 'edge-1', { pricing: { cpuHour: 0.5 } }, T)?.name).toBe('site/edge-1');
  });

  it('splits a line where the price changes and rounds each line to the cent', () => {
    const lists = [
      pl('old', { validUntil: '2026-11-01T12:00:00Z', prices: { cpuHour: 0.1, memoryGiBHour: 0.015 } }),
      pl('new', { validFrom: '2026-11-01T12:00:00Z', prices: { cpuHour: 0.13, memoryGiBHour: 0.015 } }),
    ];
    // 24 hours at half a core (1800 s each) and 0.5 GiB resident.
    const rows = Array.from({ length: 24 }, (_, h) => row(T + h * H, 1800, 0.5));
    const { lines, unpriced } = rate(rows, lists, sites);
    expect(unpriced).toEqual([]);
    expect(lines.map((l) => [l.resource, l.priceList, l.quantity, l.amount])).toEqual([
      ['cpu', 'old', 6, 0.6], // 12 h × 0.5 core × 0.10
      ['cpu', 'new', 6, 0.78], // 12 h × 0.5 core × 0.13
      ['memory', 'old', 6, 0.09], // 12 h × 0.5 GiB × 0.015
      ['memory', 'new', 6, 0.09],
    ]);
    expect(totals(lines)).toEqual({ EUR: 1.56 });
  });

  it('reports sites no list covers and rates them at 0', () => {
    const r = rate([row(T, 3600)], [], new Map());
    expect(r.unpriced).toEqual(['edge-1']);
    expect(r.lines[0].amount).toBe(0);
  });

  it('renders CSV with a total row and refuses malformed periods', () => {
    const { lines } = rate([row(T, 3600)], [pl('g', { prices: { cpuHour: 0.25 } })], sites);
    const csv = invoiceCsv({
      kind: 'Invoice',
      tenant: 'acme',
      period: '2026-11',
      from: '',
      to: '',
      lines,
      totals: totals(lines),
      unpriced: [],
      usageRows: 1,
    });
    expect(csv.trim().split('\n')).toEqual([
      'deployment,component,site,resource,quantity,unit,unitPrice,currency,priceList,amount',
      'shop,api,edge-1,cpu,1,core-hour,0.25,EUR,g,0.25',
      'total,,,,,,,EUR,,0.25',
    ]);
    expect(periodRange('2026-12')).toEqual({ from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1) });
    expect(() => periodRange('2026-13')).toThrow(/YYYY-MM/);
  });
});
