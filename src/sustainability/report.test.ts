// Carbon reports: grouping, the energy model vs agent readings, hour-by-hour intensity, CSV.
import { describe, expect, it } from 'vitest';
import { carbonReport, carbonReportCsv, type UsageLike } from './report.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const row = (over: Partial<UsageLike>): UsageLike => ({
  bucket: T0,
  namespace: 'a',
  deployment: 'shop',
  component: 'web',
  site: 'de-1',
  workload: 'shop-web-0',
  cpuSeconds: 3600,
  energyKWh: 0,
  ...over,
});
const linear = { idleWatts: 50, maxWatts: 250, cores: 4 };
const sites = new Map([
  ['de-1', { provider: 'p1', country: 'DE', pue: 1.5, power: linear }],
  ['se-1', { provider: 'p2', country: 'SE', pue: 1.2, power: linear }],
]);
// DE: 300 g/kWh in the first hour, 100 after; SE: 10.
const intensity = (_site: string, country: string, from: number): number =>
  country === 'SE' ? 10 : from < T0 + H ? 300 : 100;
const usage = [
  row({}), // 1 CPU-hour on de-1 in hour 0: (200 W × 1/4) × 1 h × 1.5 = 75 Wh → 22.5 g
  row({ bucket: T0 + H }), // the same in hour 1: 75 Wh → 7.5 g
  row({ site: 'se-1', workload: 'shop-web-1', cpuSeconds: 7200 }), // 2 CPU-h: 100 W × 1.2 = 120 Wh → 1.2 g
  row({ namespace: 'b', deployment: 'etl', workload: 'etl-0', energyKWh: 0.5 }), // measured 0.5 kWh → 150 g
  row({ bucket: T0 + 30 * 24 * H }), // outside the period
];

describe('carbon report', () => {
  it.each([
    [
      'tenant',
      [
        ['b', 0.5, 150, 'measured'],
        ['a', 0.27, 31.2, 'estimated'],
      ],
    ],
    [
      'deployment',
      [
        ['b/etl', 0.5, 150, 'measured'],
        ['a/shop', 0.27, 31.2, 'estimated'],
      ],
    ],
    [
      'site',
      [
        ['de-1', 0.65, 180, 'mixed'],
        ['se-1', 0.12, 1.2, 'estimated'],
      ],
    ],
    [
      'provider',
      [
        ['p1', 0.65, 180, 'mixed'],
        ['p2', 0.12, 1.2, 'estimated'],
      ],
    ],
    [
      'workload',
      [
        ['b/etl-0', 0.5, 150, 'measured'],
        ['a/shop-web-0', 0.15, 30, 'estimated'],
        ['a/shop-web-1', 0.12, 1.2, 'estimated'],
      ],
    ],
  ] as const)('by %s (hand calculation)', (groupBy, expected) => {
    const r = carbonReport(usage, sites, intensity, { groupBy, from: T0, to: T0 + 24 * H, source: 'test' });
    expect(r.rows.map((x) => [x.key, +x.kWh.toFixed(6), +x.gCO2e.toFixed(6), x.method])).toEqual(expected);
    expect(+r.total.gCO2e.toFixed(6)).toBe(181.2);
    expect(r.methodology).toContain('location-based');
  });

  it('renders CSV', () => {
    const r = carbonReport(usage, sites, intensity, { groupBy: 'tenant', from: T0, to: T0 + 24 * H, source: 'x' });
    expect(carbonReportCsv(r)).toBe(
      'tenant,kwh,gco2e,hours,method\nb,0.500000,150.000,1,measured\na,0.270000,31.200,3,estimated\n' +
        'total,0.770000,181.200,,\n',
    );
  });
});
