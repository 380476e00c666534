// Resource quantities in Kubernetes notation ("500m", "2Gi", 4) parsed to canonical units.
import { Type } from 'typebox';

export const QUANTITY_PATTERN = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$';
/** A non-negative quantity: a number or a suffixed string. */
export const Quantity = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: QUANTITY_PATTERN })]);

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
};

/** Parses a quantity to its plain value (cpu in cores, memory/storage in bytes). Throws on malformed input. */
export function parseQuantity(q: number | string | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(q);
  if (!m) throw new Error(`malformed quantity ${JSON.stringify(q)}`);
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

/** CPU in millicores (integer). */
export const milliCpu = (q: number | string | undefined): number => Math.round(parseQuantity(q) * 1000);
/** Memory or storage in MiB (rounded up). */
export const mebibytes = (q: number | string | undefined): number => Math.ceil(parseQuantity(q) / 1024 ** 2 - 1e-9);

/** Formats MiB back into a readable quantity. */
export function formatMiB(mib: number): string {
  if (mib >= 1024 * 1024 && mib % (1024 * 1024) === 0) return `${mib / 1024 / 1024}Ti`;
  if (mib >= 1024 && mib % 1024 === 0) return `${mib / 1024}Gi`;
  return `${mib}Mi`;
}

/** Formats millicores back into a readable quantity. */
export const formatMilliCpu = (m: number): string => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);
