// Restart policy and exponential back-off: pure decisions, so the timing rules are testable without processes.
import { backoffDelay } from '../../../lib/index.js';
import type { RunSpec } from '../driver.js';

/** Restart back-off: the shared policy (lib/backoff) plus when a run counts as healthy again. */
export interface BackoffConfig {
  /** First restart delay. */
  baseMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** A run that stayed up this long resets the back-off. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { baseMs: 100, maxMs: 10_000, resetAfterMs: 10_000 };

/** Delay before the next start after `crashLoop` consecutive quick failures: base·2^crashLoop, capped. */
export function restartDelay(crashLoop: number, cfg: BackoffConfig): number {
  return backoffDelay(crashLoop, cfg);
}

/**
 * Back-off after a run that lasted `upMs`: a long enough run resets the crash loop. Returns the delay before
 * the next start and the crash-loop counter to keep.
 */
export function backoffAfterExit(
  crashLoop: number,
  upMs: number,
  cfg: BackoffConfig,
): { delayMs: number; crashLoop: number } {
  const n = upMs >= cfg.resetAfterMs ? 0 : crashLoop;
  return { delayMs: restartDelay(n, cfg), crashLoop: n + 1 };
}

/**
 * Whether an ended run is started again. `exitCode` is undefined when unknown (an adopted process is not
 * our child); unknown and liveness-killed runs count as failures.
 */
export function shouldRestart(
  policy: RunSpec['restartPolicy'],
  exitCode: number | undefined,
  unhealthy: boolean,
): boolean {
  if (policy === 'Always') return true;
  if (policy === 'Never') return false;
  return unhealthy || exitCode !== 0;
}
