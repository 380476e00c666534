// Carbon-aware timing of a Deployment: the forecast window its placement reads, and a deferrable run's start time.
import type { Deployment, DeploymentStatus } from '../../model/index.js';
import {
  greenestStart,
  staticCarbonSource,
  windowCarbonSource,
  type CarbonSource,
  type IntensitySeries,
} from '../../sustainability/index.js';

/** Where carbon-intensity series come from (a file or an HTTP source in the Carbon Aware SDK's shape). */
export interface CarbonForecast {
  /** Series by zone (site name or country code); empty when nothing is configured or loaded. */
  zones(): ReadonlyMap<string, IntensitySeries>;
}

const HOUR = 3_600_000;
const durationMs = (d: Deployment): number => (d.spec.schedule?.expectedDurationSeconds ?? 3600) * 1000;

/** The CarbonSource placement uses at `now`: forecast means over the run's expected window, when any is loaded. */
export function carbonSourceAt(f: CarbonForecast | undefined, d: Deployment, now: number): CarbonSource | undefined {
  const zones = f?.zones();
  return zones?.size ? windowCarbonSource(staticCarbonSource(), zones, now, now + durationMs(d)) : undefined;
}

/**
 * A deferrable run's start: the hourly start in [now, deadline − duration] whose window the placement would fill
 * at the lowest effective intensity (`evaluate` places the Deployment against that window's source and returns the
 * mean gCO2/kWh of its replicas, or undefined when it would not place). Decided once per generation: the result
 * is kept in status and reused, so the start does not move with every pass. Undefined: not deferrable, or no data.
 */
export function plannedStart(
  f: CarbonForecast | undefined,
  d: Deployment,
  now: number,
  evaluate: (source: CarbonSource) => number | undefined,
): NonNullable<DeploymentStatus['schedule']> | undefined {
  const deadline = d.spec.schedule?.deadline ? Date.parse(d.spec.schedule.deadline) : NaN;
  if (!Number.isFinite(deadline)) return undefined;
  const kept = d.status?.schedule;
  if (kept && kept.observedGeneration === d.metadata.generation) return kept;
  const zones = f?.zones();
  const gen = { observedGeneration: d.metadata.generation };
  const latest = deadline - durationMs(d);
  if (!zones?.size || latest <= now)
    return {
      plannedStart: new Date(now).toISOString(),
      message: !zones?.size
        ? 'no carbon forecast is configured: starts now'
        : 'the deadline leaves no later window: starts now',
      ...gen,
    };
  const at = (start: number): number =>
    evaluate(windowCarbonSource(staticCarbonSource(), zones, start, start + durationMs(d))) ?? Infinity;
  const first = Math.ceil(now / HOUR) * HOUR;
  const nowMean = at(now);
  const best = first <= latest ? greenestStart(at, first, latest, 3600) : { start: now, mean: nowMean };
  const start = best.mean < nowMean ? best : { start: now, mean: nowMean };
  const hours = ((start.start - now) / HOUR).toFixed(1);
  return {
    plannedStart: new Date(start.start).toISOString(),
    message:
      start.start === now
        ? `starts now: no window before the deadline is greener (${Math.round(nowMean)} gCO2/kWh)`
        : `deferred ${hours} h to the greenest window before the deadline: ${Math.round(start.mean)} gCO2/kWh ` +
          (Number.isFinite(nowMean)
            ? `instead of ${Math.round(nowMean)} now (−${Math.round((1 - start.mean / nowMean) * 100)} %)`
            : '(it would not place now)'),
    ...gen,
  };
}
