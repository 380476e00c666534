// A CarbonSource for a time window: each zone's forecast mean over the window, the annual means where none.
import type { CarbonSource } from './carbon.js';
import type { IntensitySeries } from './series.js';

/**
 * Zones are keyed by site name (a site with its own series, e.g. a wind-powered site's surplus windows) or by
 * country code; a site's own series wins over its country's. Where a series covers only part of the window the
 * rest is filled with the base source's annual mean, and `coverage` says how much was forecast.
 */
export function windowCarbonSource(
  base: CarbonSource,
  zones: ReadonlyMap<string, IntensitySeries>,
  from: number,
  to: number,
): CarbonSource & { coverage(siteOrCountry: string): number } {
  const annual = (country: string): number => base.gridIntensity(country) ?? base.fallback;
  const mean = (zone: string, country: string): number | undefined =>
    zones.get(zone)?.meanOver(from, to, annual(country)).mean;
  const window = `${new Date(from).toISOString()}–${new Date(to).toISOString()}`;
  return {
    gridIntensity: (country) => mean(country.toUpperCase(), country) ?? base.gridIntensity(country),
    siteIntensity: (site, country) => mean(site, country),
    fallback: base.fallback,
    source: `forecast mean over ${window} (where none: ${base.source})`,
    coverage: (zone) => zones.get(zone)?.meanOver(from, to, 0).coverage ?? 0,
  };
}
