// Rating: usage roll-up rows × the price list valid for their site and hour → line items, in whole cents.
import type { PriceList, UnitPrices } from '../kinds.js';
import type { UsageRow } from '../usage/index.js';

export const RESOURCES = ['cpu', 'memory', 'storage', 'egress', 'energy', 'invocations'] as const;
export type RatedResource = (typeof RESOURCES)[number];

/** Per resource: its unit, the price field and how a row's counters convert to that unit. */
const UNITS: Record<RatedResource, { unit: string; price: keyof UnitPrices; qty: (r: UsageRow) => number }> = {
  cpu: { unit: 'core-hour', price: 'cpuHour', qty: (r) => r.cpuSeconds / 3600 },
  memory: { unit: 'GiB-hour', price: 'memoryGiBHour', qty: (r) => r.memoryByteSeconds / 1024 ** 3 / 3600 },
  storage: { unit: 'GiB-hour', price: 'storageGiBHour', qty: (r) => r.storageByteSeconds / 1024 ** 3 / 3600 },
  egress: { unit: 'GB', price: 'egressGB', qty: (r) => r.egressBytes / 1e9 },
  energy: { unit: 'kWh', price: 'kWh', qty: (r) => r.energyKWh },
  invocations: { unit: 'invocation', price: 'invocation', qty: (r) => r.invocations },
};

/** What rating needs to know about a site: its provider and its own spec.pricing (the fallback list). */
export interface RatedSite {
  provider?: string;
  pricing?: { currency?: string; cpuHour?: number; memoryGiBHour?: number; storageGiBHour?: number };
}

export interface LineItem {
  deployment: string;
  component: string;
  site: string;
  resource: RatedResource;
  quantity: number;
  unit: string;
  unitPrice: number;
  currency: string;
  /** The PriceList used ("site/<name>" for a site's own spec.pricing). */
  priceList: string;
  amount: number;
}

/** Whole cents of an amount, float noise removed first (0.1 × 3 = 0.30000000000000004 → 30). */
export const toCents = (x: number): number => Math.round(Number((x * 100).toPrecision(12)));

interface Chosen {
  name: string;
  currency: string;
  prices: UnitPrices;
}

/** The price list for `site` at `at`: site-specific > provider > general, then the latest validFrom, then name. */
export function priceListFor(
  lists: readonly PriceList[],
  site: string,
  info: RatedSite | undefined,
  at: number,
): Chosen | undefined {
  let best: { rank: number; from: number; l: PriceList } | undefined;
  for (const l of lists) {
    const from = Date.parse(l.spec.validFrom);
    const until = l.spec.validUntil ? Date.parse(l.spec.validUntil) : Infinity;
    if (!(from <= at && at < until) || l.metadata.deletionTimestamp) continue;
    let rank: number;
    if (l.spec.sites) {
      if (!l.spec.sites.includes(site) || (l.spec.provider && l.spec.provider !== info?.provider)) continue;
      rank = 3;
    } else if (l.spec.provider) {
      if (l.spec.provider !== info?.provider) continue;
      rank = 2;
    } else rank = 1;
    if (
      !best ||
      rank > best.rank ||
      (rank === best.rank && (from > best.from || (from === best.from && l.metadata.name < best.l.metadata.name)))
    )
      best = { rank, from, l };
  }
  if (best) return { name: best.l.metadata.name, currency: best.l.spec.currency, prices: best.l.spec.prices };
  const p = info?.pricing;
  if (p && (p.cpuHour !== undefined || p.memoryGiBHour !== undefined || p.storageGiBHour !== undefined))
    return {
      name: `site/${site}`,
      currency: p.currency ?? 'EUR',
      prices: { cpuHour: p.cpuHour, memoryGiBHour: p.memoryGiBHour, storageGiBHour: p.storageGiBHour },
    };
  return undefined;
}

export interface Rated {
  lines: LineItem[];
  /** Sites whose usage no price list covered (rated at 0). */
  unpriced: string[];
}

/**
 * Rates roll-up rows: one line per deployment, component, site, resource and unit price (a price change inside
 * the period splits a line). Each line's amount is its summed quantity × unit price, rounded to the cent.
 */
export function rate(
  rows: readonly UsageRow[],
  lists: readonly PriceList[],
  sites: ReadonlyMap<string, RatedSite>,
): Rated {
  const lines = new Map<string, LineItem>();
  const unpriced = new Set<string>();
  const memo = new Map<string, Chosen | undefined>();
  for (const r of rows) {
    const mk = `${r.site}@${r.bucket}`;
    if (!memo.has(mk)) memo.set(mk, priceListFor(lists, r.site, sites.get(r.site), r.bucket));
    const chosen = memo.get(mk);
    if (!chosen) unpriced.add(r.site);
    for (const res of RESOURCES) {
      const u = UNITS[res];
      const q = u.qty(r);
      if (q === 0) continue;
      const price = chosen?.prices[u.price] ?? 0;
      const key = [r.deployment, r.component, r.site, res, chosen?.name ?? '', price].join('\u0000');
      const line = lines.get(key);
      if (line) line.quantity += q;
      else
        lines.set(key, {
          deployment: r.deployment,
          component: r.component,
          site: r.site,
          resource: res,
          quantity: q,
          unit: u.unit,
          unitPrice: price,
          currency: chosen?.currency ?? '',
          priceList: chosen?.name ?? '',
          amount: 0,
        });
    }
  }
  const out = [...lines.values()].map((l) => ({ ...l, amount: toCents(l.quantity * l.unitPrice) / 100 }));
  out.sort(
    (a, b) =>
      a.deployment.localeCompare(b.deployment) ||
      a.component.localeCompare(b.component) ||
      a.site.localeCompare(b.site) ||
      RESOURCES.indexOf(a.resource) - RESOURCES.indexOf(b.resource) ||
      a.unitPrice - b.unitPrice,
  );
  return { lines: out, unpriced: [...unpriced].sort() };
}

/** Sum of line amounts per currency, computed in whole cents. */
export function totals(lines: readonly LineItem[]): Record<string, number> {
  const cents: Record<string, number> = {};
  for (const l of lines) if (l.currency) cents[l.currency] = (cents[l.currency] ?? 0) + toCents(l.amount);
  return Object.fromEntries(Object.entries(cents).map(([c, v]) => [c, v / 100]));
}
