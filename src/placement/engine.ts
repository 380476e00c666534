// The placement engine: the greedy pass, then the batch optimiser when the greedy pass leaves replicas unplaced.
import { metrics, secondsSince } from '../lib/metrics/index.js';
import { placeBatch } from './batch.js';
import { placeGreedy } from './greedy.js';
import type { PlaceOptions } from './greedy.js';
import type { ComponentExplanation, Decision, DeploymentPlacementStatus, PlacementRequest, Snapshot } from './types.js';

export { makeAssignment, finishDecision, placeGreedy, replicaCost, replicaLabel } from './greedy.js';
export type { PlaceOptions } from './greedy.js';

/**
 * Requests with more replicas keep the greedy result: the batch search grows with replicas × candidates,
 * and a decision must stay fast enough for the controller's retries (about 15 ms for the 4-replica case on
 * the bundled topology, against 2.5 ms for the greedy pass alone).
 */
export const BATCH_FALLBACK_MAX_REPLICAS = 256;

/**
 * Places every replica of a request. The greedy pass takes, replica by replica, the best feasible
 * site; it can paint itself into a corner when replicas compete for few sites (spread over providers
 * in two areas whose nearby sites overlap). When it leaves replicas unplaced, the batch optimiser
 * (placeBatch: regret-ordered greedy, local search, ejection chains) searches the same request
 * jointly, and its decision is taken when it places more replicas. Hard constraints are never relaxed:
 * what neither finds stays unplaced, with the reasons. Deterministic in (snapshot, request, seed,
 * reservations); with a quota hook (which must see running totals), or above BATCH_FALLBACK_MAX_REPLICAS,
 * only the greedy pass runs.
 */
export function place(snapshot: Snapshot, request: PlacementRequest, opts: PlaceOptions = {}): Decision {
  const started = performance.now();
  const d = decide(snapshot, request, opts);
  metrics.placementDuration.observe(secondsSince(started));
  const outcome = d.unplaced.length === 0 ? 'placed' : d.assignments.length ? 'partial' : 'unplaced';
  metrics.placementDecisions.inc({ outcome });
  return d;
}

function decide(snapshot: Snapshot, request: PlacementRequest, opts: PlaceOptions): Decision {
  const greedy = placeGreedy(snapshot, request, opts);
  if (greedy.unplaced.length === 0 || opts.batchFallback === false || opts.hooks?.quota) return greedy;
  const replicas = greedy.assignments.length + greedy.unplaced.length;
  if (replicas > BATCH_FALLBACK_MAX_REPLICAS) return greedy;
  const batch = placeBatch(snapshot, [request], {
    seed: greedy.seed,
    ...(opts.reservations ? { reservations: opts.reservations } : {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
    ...(opts.strategy === 'exhaustive' ? { exhaustive: true } : {}),
  }).decisions[0];
  if (batch.unplaced.length >= greedy.unplaced.length) return greedy;
  const note = `; found jointly by the batch optimiser (the greedy pass left ${greedy.unplaced.length} unplaced)`;
  const explanation: ComponentExplanation[] = batch.explanation.map((e) => {
    // Its counts come from the candidate search; say why the replicas it still could not place stayed out.
    const left = batch.unplaced.filter(
      (u) => u.startsWith(`${e.component}/`) && u.endsWith(e.area ? `@${e.area}` : ''),
    );
    const why = left.length
      ? `; ${left.length} left unplaced: no feasible site fits them beside the other replicas (spread, capacity)`
      : '';
    return { ...e, summary: e.summary + why + note };
  });
  return { ...batch, explanation };
}

/** The exhaustive baseline with the same pipeline: same decision, no index. */
export const placeExhaustive = (
  snapshot: Snapshot,
  request: PlacementRequest,
  opts: Omit<PlaceOptions, 'strategy'> = {},
): Decision => place(snapshot, request, { ...opts, strategy: 'exhaustive' });

/** The Deployment status `placement` block for a decision; `decidedAt` comes from the caller's clock. */
export function toPlacementStatus(decision: Decision, decidedAt?: string): DeploymentPlacementStatus {
  return {
    ...(decidedAt !== undefined ? { decidedAt } : {}),
    seed: decision.seed,
    assignments: decision.assignments,
    explanation: decision.explanation,
    ...(decision.unplaced.length > 0 ? { unplaced: decision.unplaced } : {}),
  };
}
