// Public surface of the placement engine (Multi-Cloud Orchestrator): snapshot, request, place, reservations, batch, explain.
export * from './types.js';
export { createSnapshot, matrixLatency, modelledLatency } from './snapshot.js';
export { buildSnapshot, effectiveAllocatable, holdsResources } from './build-snapshot.js';
export type { BuildSnapshotInput } from './build-snapshot.js';
export {
  buildRequest,
  mergeRequirements,
  resolveLatency,
  exposedComponents,
  toAmounts,
  DEFAULT_REQUEST,
} from './request.js';
export { place, placeExhaustive, placeGreedy, replicaLabel, toPlacementStatus } from './engine.js';
export type { PlaceOptions } from './engine.js';
export { Reservations, reservationKey } from './reservations.js';
export type { CommitConflict, CommitResult } from './reservations.js';
export { formatExplanation, formatAssignment } from './explain.js';
export type { PlacementRecord } from './explain.js';
export {
  DEFAULT_PUE,
  REFERENCE_PRICING,
  EU_COUNTRIES,
  UNPLACED_PENALTY,
  TIER_PENALTY,
  pricePerHour,
} from './defaults.js';
export { DEFAULT_WEIGHTS, FILTERS, PENALTIES, SCORER_NAMES, SCORERS } from './pipeline.js';
export { describePipeline, pipelineMarkdown } from './pipeline-doc.js';
export type { PipelineDescription } from './pipeline-doc.js';
export * from './filters/index.js';
export * from './scorers/index.js';
export { buildSiteIndex } from './site-index.js';
export type { SiteIndex, IndexNode, IndexRoot } from './site-index.js';
export type { GroupPlan } from './context.js';
export { NODE_MIXED, NODE_PASS } from './stage.js';
export type { Filter, Penalty, Reads, Scorer, Stage } from './stage.js';
export { placeBatch } from './batch.js';
export type { BatchOptions, BatchResult } from './batch.js';
export { buildBatchModel } from './batch-model.js';
export type { BatchModel, BatchItem, BatchCandidate, BatchModelOptions } from './batch-model.js';
export { verifyDecisions } from './verify.js';
export type { Violation } from './verify.js';
export * from './admission/index.js';
export { computeQuotaAdmission, computeQuotaHook, workloadsRequest } from './compute-quota.js';
