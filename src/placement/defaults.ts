// Defaults and shared arithmetic of placement: reference prices, PUE per category, EU membership.
import type { Category } from '../model/index.js';
import type { Amounts, Pricing } from './types.js';

/**
 * Prices assumed where a site's price list is silent, and the yardstick of the price score:
 * a replica costing exactly the reference price scores 50.
 */
export const REFERENCE_PRICING: Pricing = Object.freeze({
  currency: 'EUR',
  cpuHour: 0.04,
  memoryGiBHour: 0.005,
  gpuHour: 1.2,
  storageGiBHour: 0.0002,
});

/** PUE assumed when a site does not state one: small sites cool less efficiently. */
export const DEFAULT_PUE: Readonly<Record<Category, number>> = Object.freeze({
  cloud: 1.2,
  'metro-edge': 1.35,
  'near-edge': 1.45,
  'far-edge': 1.6,
  'near-premise': 1.8,
});

/** Objective cost of a replica that found no site (a placed replica costs at most 100 + tier and score penalties). */
export const UNPLACED_PENALTY = 1000;
/** Objective cost per step down the category preference list; above the score range, so tiers dominate. */
export const TIER_PENALTY = 101;

/** EU-27 member states (ISO 3166-1 alpha-2); one list, kept in the model. */
export { EU_COUNTRIES } from '../model/index.js';

export const ZERO: Amounts = Object.freeze({ cpu: 0, memory: 0, gpu: 0, storage: 0 });
export const DIMENSIONS = ['gpu', 'cpu', 'memory', 'storage'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface MutableAmounts {
  cpu: number;
  memory: number;
  gpu: number;
  storage: number;
}

export const addAmounts = (a: Amounts, b: Amounts): MutableAmounts => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
  gpu: a.gpu + b.gpu,
  storage: a.storage + b.storage,
});

export function addInto(target: MutableAmounts, b: Amounts, sign = 1): void {
  target.cpu += sign * b.cpu;
  target.memory += sign * b.memory;
  target.gpu += sign * b.gpu;
  target.storage += sign * b.storage;
}

/** Hourly price of `amounts` under `pricing` (cpu in millicores, memory and storage in MiB). */
export function pricePerHour(pricing: Pricing, amounts: Amounts): number {
  return (
    (amounts.cpu / 1000) * pricing.cpuHour +
    (amounts.memory / 1024) * pricing.memoryGiBHour +
    amounts.gpu * pricing.gpuHour +
    (amounts.storage / 1024) * pricing.storageGiBHour
  );
}

/** Rounds for display and storage; decisions compare unrounded values. */
export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
