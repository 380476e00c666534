// Grid carbon intensity per country: the bundled 2020 annual averages (EEA, CC BY 4.0) as the offline default.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** File name of the bundled table under src/sustainability/data/. */
export const GRID_INTENSITY_FILE = 'eu-grid-carbon-intensity-2020.csv';
/** Attribution that must accompany any figure derived from the bundled table. */
export const GRID_INTENSITY_SOURCE =
  'EEA "CO2 emission intensity of electricity generation", 2020 annual average (CC BY 4.0, via Our World in Data)';
/** Row holding the EU-27 average; used for countries the table does not list. */
export const EU_AVERAGE_KEY = 'EU27';

/** gCO2 per kWh by ISO country code (plus EU27). */
export type GridIntensityTable = ReadonlyMap<string, number>;

/** Parses the two-column CSV (`country,gco2_per_kwh`); throws on a malformed row. */
export function parseGridIntensityCsv(text: string): GridIntensityTable {
  const table = new Map<string, number>();
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  for (const [i, line] of lines.entries()) {
    if (i === 0 && /^country\s*,/i.test(line)) continue;
    const [country, value, ...rest] = line.split(',').map((s) => s.trim());
    const n = Number(value);
    if (!country || rest.length > 0 || value === undefined || value === '' || !Number.isFinite(n) || n < 0) {
      throw new Error(`malformed carbon intensity row ${i + 1}: ${JSON.stringify(line)}`);
    }
    table.set(country.toUpperCase(), n);
  }
  return table;
}

/**
 * Locates the bundled CSV from this module's own location, so it works from src/ (tests) and from
 * dist/src/ (built) whatever the working directory: it looks beside the module, then walks up to
 * the package root and into src/sustainability/data/.
 */
export function gridIntensityFilePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const tried: string[] = [join(here, 'data', GRID_INTENSITY_FILE)];
  let dir = here;
  for (let i = 0; i < 6; i++) {
    tried.push(join(dir, 'src', 'sustainability', 'data', GRID_INTENSITY_FILE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const found = tried.find((p) => existsSync(p));
  if (!found) throw new Error(`carbon intensity table not found; looked in ${tried.join(', ')}`);
  return found;
}

let cached: GridIntensityTable | undefined;

/** The bundled table, read once per process. */
export function loadGridIntensity(): GridIntensityTable {
  cached ??= parseGridIntensityCsv(readFileSync(gridIntensityFilePath(), 'utf8'));
  return cached;
}

/** Something that knows a country's grid intensity; time series can implement it later. */
export interface CarbonSource {
  /** gCO2/kWh for the country, or undefined when unknown. */
  gridIntensity(country: string): number | undefined;
  /** gCO2/kWh of one site's own supply (a site-level series), or undefined to use its country's. */
  siteIntensity?(site: string, country: string): number | undefined;
  /** Value to assume for unknown countries. */
  readonly fallback: number;
  /** Human-readable provenance, for reports and explanations. */
  readonly source: string;
}

/** A CarbonSource over a static table; unknown countries take the EU-27 average. */
export function staticCarbonSource(
  table: GridIntensityTable = loadGridIntensity(),
  source = GRID_INTENSITY_SOURCE,
): CarbonSource {
  const fallback = table.get(EU_AVERAGE_KEY) ?? 300;
  return {
    gridIntensity: (country) => (country === EU_AVERAGE_KEY ? undefined : table.get(country.toUpperCase())),
    fallback,
    source,
  };
}

/**
 * Effective intensity of a site: its own supply's intensity where the source has one, else its country's grid
 * intensity, × its PUE (gCO2 per kWh of IT load).
 */
export function siteCarbonIntensity(source: CarbonSource, country: string, pue: number, site?: string): number {
  const own = site !== undefined ? source.siteIntensity?.(site, country) : undefined;
  return (own ?? source.gridIntensity(country) ?? source.fallback) * pue;
}
