// Carbon-intensity time series per zone (history and forecasts), read in the Carbon Aware SDK's JSON shapes.

/** One interval of a series: [time, time + durationS) at `value` gCO2/kWh. */
export interface IntensityPoint {
  /** Start, ms since the epoch. */
  time: number;
  durationS: number;
  value: number;
}

/** The mean intensity over a window and how much of the window the series covered (0..1). */
export interface WindowMean {
  mean: number;
  coverage: number;
}

/**
 * A zone's intensity over time: non-overlapping intervals, sorted. Gaps are allowed; `meanOver` reports how much
 * of a window the series covers so a caller can fall back (to the country's annual mean) for the rest.
 */
export class IntensitySeries {
  readonly points: readonly IntensityPoint[];

  constructor(points: readonly IntensityPoint[]) {
    const sorted = [...points].filter((p) => p.durationS > 0 && Number.isFinite(p.value) && p.value >= 0);
    sorted.sort((a, b) => a.time - b.time);
    // Later points win where two overlap (a newer forecast over an older one).
    const out: IntensityPoint[] = [];
    for (const p of sorted) {
      const prev = out[out.length - 1];
      if (prev && prev.time + prev.durationS * 1000 > p.time) prev.durationS = (p.time - prev.time) / 1000;
      if (prev && prev.durationS <= 0) out.pop();
      out.push({ ...p });
    }
    this.points = out;
  }

  get start(): number | undefined {
    return this.points[0]?.time;
  }

  get end(): number | undefined {
    const last = this.points[this.points.length - 1];
    return last && last.time + last.durationS * 1000;
  }

  /** The intensity at `t` (ms), or undefined outside the series. */
  at(t: number): number | undefined {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.points[mid];
      if (t < p.time) hi = mid - 1;
      else if (t >= p.time + p.durationS * 1000) lo = mid + 1;
      else return p.value;
    }
    return undefined;
  }

  /** Time-weighted mean over [from, to) (ms); `fallback` fills what the series does not cover. */
  meanOver(from: number, to: number, fallback: number): WindowMean {
    if (!(to > from)) return { mean: this.at(from) ?? fallback, coverage: this.at(from) === undefined ? 0 : 1 };
    let covered = 0;
    let sum = 0;
    for (const p of this.points) {
      const a = Math.max(from, p.time);
      const b = Math.min(to, p.time + p.durationS * 1000);
      if (b <= a) continue;
      covered += b - a;
      sum += (b - a) * p.value;
    }
    const total = to - from;
    return { mean: (sum + (total - covered) * fallback) / total, coverage: covered / total };
  }
}

/** Parses a .NET time-span ("01:30:00", "1.02:00:00") or ISO 8601 duration ("PT30M") into seconds. */
export function parseTimeSpan(text: string): number {
  const ts = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text);
  if (ts) return Number(ts[1] ?? 0) * 86_400 + Number(ts[2]) * 3600 + Number(ts[3]) * 60 + Number(ts[4]);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (iso && text !== 'P' && !text.endsWith('T'))
    return Number(iso[1] ?? 0) * 86_400 + Number(iso[2] ?? 0) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0);
  throw new Error(`not a duration: ${JSON.stringify(text)}`);
}

const record = (x: unknown): Record<string, unknown> =>
  x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};

const time = (v: unknown, where: string): number => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw new Error(`${where}: not a date-time: ${JSON.stringify(v)}`);
  return t;
};

const num = (v: unknown, where: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}: not a non-negative number`);
  return v;
};

/**
 * Series by location from Carbon Aware SDK JSON: an array of EmissionsData (`{location, time, rating, duration}`,
 * duration a time-span), of EmissionsDataDTO (`{location, timestamp, duration (minutes), value}`), or of
 * EmissionsForecastDTO (`{location, forecastData: EmissionsDataDTO[]}`) — or a mix. Throws naming the bad item.
 */
export function parseCarbonAwareJson(doc: unknown): Map<string, IntensitySeries> {
  if (!Array.isArray(doc)) throw new Error('carbon intensity data must be a JSON array');
  const by = new Map<string, IntensityPoint[]>();
  const add = (loc: unknown, p: IntensityPoint, where: string): void => {
    if (typeof loc !== 'string' || !loc) throw new Error(`${where}: location missing`);
    by.set(loc, [...(by.get(loc) ?? []), p]);
  };
  const dto = (x: Record<string, unknown>, where: string, loc?: unknown): void =>
    add(
      x.location ?? loc,
      { time: time(x.timestamp, where), durationS: num(x.duration, where) * 60, value: num(x.value, where) },
      where,
    );
  doc.forEach((item, i) => {
    const x = record(item);
    const where = `item ${i}`;
    if (Array.isArray(x.forecastData))
      x.forecastData.forEach((f, j) => dto(record(f), `${where}.forecastData[${j}]`, x.location));
    else if ('rating' in x) {
      const durationS = typeof x.duration === 'string' ? parseTimeSpan(x.duration) : 3600;
      add(x.location, { time: time(x.time, where), durationS, value: num(x.rating, where) }, where);
    } else if ('value' in x) dto(x, where);
    else throw new Error(`${where}: neither EmissionsData, EmissionsDataDTO nor EmissionsForecastDTO`);
  });
  return new Map([...by].map(([k, v]) => [k, new IntensitySeries(v)]));
}

/** The start (ms) in [earliest, latestStart] whose window of `durationS` has the lowest mean, on `stepS` steps. */
export function greenestStart(
  meanAt: (start: number) => number,
  earliest: number,
  latestStart: number,
  stepS: number,
): { start: number; mean: number } {
  let best = { start: earliest, mean: meanAt(earliest) };
  for (let s = earliest + stepS * 1000; s <= latestStart; s += stepS * 1000) {
    const m = meanAt(s);
    if (m < best.mean - 1e-9) best = { start: s, mean: m };
  }
  return best;
}
