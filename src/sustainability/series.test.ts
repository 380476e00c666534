// Intensity series: Carbon Aware SDK shapes, window means with gaps, greenest windows, window sources, moves.
import { describe, expect, it } from 'vitest';
import { staticCarbonSource } from './carbon.js';
import { windowCarbonSource } from './forecast.js';
import { decideMove } from './move.js';
import { greenestStart, IntensitySeries, parseCarbonAwareJson, parseTimeSpan } from './series.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');
const hourly = (values: number[]): IntensitySeries =>
  new IntensitySeries(values.map((value, i) => ({ time: T0 + i * H, durationS: 3600, value })));

describe('Carbon Aware SDK JSON', () => {
  it('reads EmissionsData, EmissionsDataDTO and EmissionsForecastDTO', () => {
    const m = parseCarbonAwareJson([
      { location: 'DE', time: '2026-11-30T00:00:00Z', rating: 300, duration: '01:00:00' },
      { location: 'DE', timestamp: '2026-11-30T01:00:00Z', duration: 30, value: 200 },
      {
        location: 'SE',
        generatedAt: '2026-11-30T00:00:00Z',
        forecastData: [
          { location: 'SE', timestamp: '2026-11-30T00:00:00Z', duration: 60, value: 20 },
          { timestamp: '2026-11-30T01:00:00Z', duration: 60, value: 10 },
        ],
        optimalDataPoints: [],
      },
    ]);
    expect(m.get('DE')!.points).toEqual([
      { time: T0, durationS: 3600, value: 300 },
      { time: T0 + H, durationS: 1800, value: 200 },
    ]);
    expect(m.get('SE')!.meanOver(T0, T0 + 2 * H, 0)).toEqual({ mean: 15, coverage: 1 });
  });

  it.each([
    [{}, 'JSON array'],
    [[{ location: 'DE', time: 'noon', rating: 1 }], 'item 0: not a date-time'],
    [[{ location: 'DE', timestamp: '2026-11-30T00:00:00Z', duration: 60, value: -1 }], 'not a non-negative'],
    [[{ timestamp: '2026-11-30T00:00:00Z', duration: 60, value: 1 }], 'location missing'],
    [[{ location: 'DE' }], 'neither EmissionsData'],
  ])('rejects %j', (doc, message) => expect(() => parseCarbonAwareJson(doc)).toThrow(message));

  it.each([
    ['01:00:00', 3600],
    ['1.02:00:00', 93_600],
    ['PT30M', 1800],
    ['P1DT1H', 90_000],
  ])('time-span %s', (t, s) => expect(parseTimeSpan(t)).toBe(s));
});

describe('series', () => {
  const s = hourly([100, 200, 300, 400]);
  it.each([
    [T0, T0 + H, 100, 1],
    [T0 + H / 2, T0 + H + H / 2, 150, 1],
    [T0, T0 + 4 * H, 250, 1],
    [T0 + 3 * H, T0 + 5 * H, (400 + 50) / 2, 0.5], // the hour past the end takes the fallback, 50
  ])('mean over [%d, %d)', (from, to, mean, coverage) => {
    const m = s.meanOver(from, to, 50);
    expect(m.mean).toBeCloseTo(mean, 9);
    expect(m.coverage).toBeCloseTo(coverage, 9);
  });

  it('finds the greenest start before the deadline', () => {
    const day = hourly([300, 280, 120, 90, 100, 250, 300, 310]);
    const twoHours = (start: number): number => day.meanOver(start, start + 2 * H, 999).mean;
    expect(greenestStart(twoHours, T0, T0 + 6 * H, 3600)).toEqual({ start: T0 + 3 * H, mean: 95 });
    // A deadline that ends the window earlier leaves only the earlier starts.
    expect(greenestStart(twoHours, T0, T0 + 2 * H, 3600)).toEqual({ start: T0 + 2 * H, mean: 105 });
  });

  it('windowCarbonSource: site series over country series over the annual mean', () => {
    const base = staticCarbonSource();
    const src = windowCarbonSource(
      base,
      new Map([
        ['DE', hourly([400, 100])],
        ['windpark-1', hourly([20, 20])],
      ]),
      T0,
      T0 + 2 * H,
    );
    expect(src.gridIntensity('DE')).toBe(250);
    expect(src.gridIntensity('FR')).toBe(base.gridIntensity('FR'));
    expect(src.siteIntensity!('windpark-1', 'DE')).toBe(20);
    expect(src.siteIntensity!('other', 'DE')).toBeUndefined();
    expect(src.coverage('DE')).toBe(1);
  });
});

describe('moving a running workload', () => {
  it.each([
    // saves 0.2 kW × 24 h × 288 = 1382 g; costs 10 GB × 0.01 × 157 + 0.2 × 0.1 × 13 = 15.96 g → move
    [{ currentIntensity: 301, candidateIntensity: 13, horizonHours: 24 }, true, 1382.4, 15.96],
    // a short horizon does not pay for a big transfer
    [{ currentIntensity: 301, candidateIntensity: 13, horizonHours: 0.05, transferGB: 100 }, false, 2.88, 157.26],
    // a small difference does not pay for the transfer: stay
    [{ currentIntensity: 110, candidateIntensity: 100, horizonHours: 1 }, false, 2, 12.5],
  ])('%j → move %s', (over, move, saved, cost) => {
    const v = decideMove({ powerKW: 0.2, transferGB: 10, kWhPerGB: 0.01, overlapHours: 0.1, margin: 0.2, ...over });
    expect(v.move).toBe(move);
    expect(v.savedGrams).toBeCloseTo(saved, 6);
    expect(v.costGrams).toBeCloseTo(cost, 6);
    expect(v.arithmetic).toContain(move ? '→ move' : '→ stay');
  });
});
