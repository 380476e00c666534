// A seeded synthetic run of hourly grid intensities per country around the bundled 2020 annual means.
import { Prng, hashString } from '../../src/placement/prng.js';
import { EU_AVERAGE_KEY, IntensitySeries, loadGridIntensity } from '../../src/sustainability/index.js';

const H = 3_600_000;

/**
 * For each country of the bundled table: value(h) = mean × (1 − a·cos(2π(h − dip)/24)) × (1 + ε), where the
 * country's seeded draw picks a solar profile (lowest at 13:00) or a wind/night profile (lowest at 03:00), an
 * amplitude a ∈ [0.15, 0.45), and hourly noise ε ∈ [−0.05, 0.05). The daily mean stays at the annual mean (the
 * cosine averages out), so spatial differences are the published ones and temporal ones are synthetic.
 */
export function syntheticIntensities(seed: number, start: number, hours: number): Map<string, IntensitySeries> {
  const out = new Map<string, IntensitySeries>();
  for (const [country, mean] of loadGridIntensity()) {
    if (country === EU_AVERAGE_KEY) continue;
    const rng = new Prng(hashString(country) ^ seed);
    const dip = rng.next() < 0.5 ? 13 : 3;
    const a = rng.range(0.15, 0.45);
    const points = Array.from({ length: hours }, (_, h) => ({
      time: start + h * H,
      durationS: 3600,
      value: mean * (1 - a * Math.cos((2 * Math.PI * (h - dip)) / 24)) * (1 + rng.range(-0.05, 0.05)),
    }));
    out.set(country, new IntensitySeries(points));
  }
  return out;
}
