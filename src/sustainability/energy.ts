// Energy and carbon of a workload from its measured CPU time: a host power model (SPECpower-style) × PUE.

/**
 * Power draw of one host as a function of CPU utilisation: `idleWatts` at 0 %, `maxWatts` at 100 %, linear
 * between them unless `curve` gives measured points (SPECpower publishes 11: 0 %, 10 %, … 100 %), which are
 * interpolated linearly.
 */
export interface PowerModel {
  idleWatts: number;
  maxWatts: number;
  /** [utilisation 0..1, watts] points, sorted by utilisation, covering 0 and 1. */
  curve?: ReadonlyArray<readonly [number, number]>;
  /** Logical CPUs of the host (utilisation = CPU seconds / (cores × seconds)). */
  cores: number;
  /** Power usage effectiveness of the facility (≥ 1): total facility energy / IT energy. */
  pue: number;
}

/** Watts drawn by the host at utilisation `u` (clamped to 0..1), before PUE. */
export function hostWatts(m: PowerModel, u: number): number {
  const x = Math.min(1, Math.max(0, u));
  const c = m.curve;
  if (!c || c.length < 2) return m.idleWatts + (m.maxWatts - m.idleWatts) * x;
  for (let i = 1; i < c.length; i++) {
    const [u0, w0] = c[i - 1];
    const [u1, w1] = c[i];
    if (x <= u1) return u1 === u0 ? w1 : w0 + ((w1 - w0) * (x - u0)) / (u1 - u0);
  }
  return c[c.length - 1][1];
}

/** A workload's share of one interval on one host. */
export interface WorkloadInterval {
  /** CPU seconds the workload used in the interval (user + system, its whole process tree). */
  cpuSeconds: number;
  /** Length of the interval in seconds. */
  seconds: number;
  /** CPU seconds all workloads of the host used in the interval (≥ cpuSeconds); the host's utilisation. */
  hostCpuSeconds?: number;
  /** CPU cores the workload reserved (its request): its share of the idle power. */
  reservedCores?: number;
}

export interface EnergyEstimate {
  /** Facility energy (IT × PUE), kWh. */
  kWh: number;
  /** Of which dynamic (caused by the workload's CPU use), kWh. */
  dynamicKWh: number;
  /** Of which the idle share (by reserved cores), kWh. */
  idleKWh: number;
  /** How it was obtained: 'estimated' (this model) or 'measured' (RAPL, Redfish). */
  method: 'estimated' | 'measured';
}

/**
 * Energy attributed to a workload for one interval. Dynamic part: the host's power above idle at its utilisation,
 * shared by CPU time (with a linear model: (max − idle) × cpuSeconds / cores). Idle part: idle power shared by
 * reserved cores. Both × PUE. Invariant: the dynamic parts of all workloads of a host sum to the host's
 * dynamic energy when `hostCpuSeconds` is their total.
 */
export function workloadEnergy(m: PowerModel, w: WorkloadInterval): EnergyEstimate {
  const hostCpu = Math.max(w.hostCpuSeconds ?? w.cpuSeconds, w.cpuSeconds);
  const u = w.seconds > 0 ? hostCpu / (m.cores * w.seconds) : 0;
  const dynamicHostJ = (hostWatts(m, u) - m.idleWatts) * w.seconds;
  const dynamicJ = hostCpu > 0 ? (dynamicHostJ * w.cpuSeconds) / hostCpu : 0;
  const idleJ = m.idleWatts * w.seconds * Math.min(1, (w.reservedCores ?? 0) / m.cores);
  const toKWh = (j: number): number => (j * m.pue) / 3.6e6;
  return { kWh: toKWh(dynamicJ + idleJ), dynamicKWh: toKWh(dynamicJ), idleKWh: toKWh(idleJ), method: 'estimated' };
}

/** gCO2e of `kWh` at `gPerKWh` (location-based). */
export const carbonGrams = (kWh: number, gPerKWh: number): number => kWh * gPerKWh;

/** A typical 2-socket server when a site gives no model (SPECpower_ssj2008-like shape; documented default). */
export const DEFAULT_POWER_MODEL: PowerModel = {
  idleWatts: 100,
  maxWatts: 350,
  cores: 64,
  pue: 1.4,
  curve: [
    [0, 100],
    [0.1, 130],
    [0.2, 155],
    [0.3, 178],
    [0.4, 200],
    [0.5, 222],
    [0.6, 246],
    [0.7, 272],
    [0.8, 299],
    [0.9, 325],
    [1, 350],
  ],
};
