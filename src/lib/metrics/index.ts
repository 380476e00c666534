// Process-wide Prometheus instruments (prom-client): every layer records here, the API's /metrics renders them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The registry of process-level series. Several control planes in one process (tests) share it, so gauges are
 * kept by increment/decrement (or computed at scrape time) and always hold the process-wide total.
 */
export const registry = new Registry();

const FAST = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const registers = [registry];

export const metrics = {
  apiRequestDuration: new Histogram({
    name: 'continuum_api_request_duration_seconds',
    help: 'API request latency by method, route template, resource kind and verb (resource API) and status code',
    labelNames: ['method', 'route', 'resource', 'verb', 'code'] as const,
    buckets: FAST,
    registers,
  }),
  workQueueDepth: new Gauge({
    name: 'continuum_workqueue_depth',
    help: 'Keys waiting in a controller work queue (not yet picked by a worker)',
    labelNames: ['controller'] as const,
    registers,
  }),
  workQueueLatency: new Histogram({
    name: 'continuum_workqueue_queue_duration_seconds',
    help: 'Time a key waits in a controller work queue before a worker takes it',
    labelNames: ['controller'] as const,
    buckets: FAST,
    registers,
  }),
  reconcileDuration: new Histogram({
    name: 'continuum_reconcile_duration_seconds',
    help: 'Duration of one reconcile by controller',
    labelNames: ['controller'] as const,
    buckets: FAST,
    registers,
  }),
  reconcileErrors: new Counter({
    name: 'continuum_reconcile_errors_total',
    help: 'Reconciles that failed, by controller and whether they are retried (transient) or not (terminal)',
    labelNames: ['controller', 'kind'] as const,
    registers,
  }),
  placementDuration: new Histogram({
    name: 'continuum_placement_decision_duration_seconds',
    help: 'Time to take one placement decision',
    buckets: FAST,
    registers,
  }),
  placementDecisions: new Counter({
    name: 'continuum_placement_decisions_total',
    help: 'Placement decisions by outcome: placed (all replicas), partial, unplaced (none)',
    labelNames: ['outcome'] as const,
    registers,
  }),
  storeWriteDuration: new Histogram({
    name: 'continuum_store_write_duration_seconds',
    help: 'Durable store commit latency by operation',
    labelNames: ['op'] as const,
    buckets: FAST,
    registers,
  }),
  auditWriteDuration: new Histogram({
    name: 'continuum_audit_write_duration_seconds',
    help: 'Latency of appending one audit record (durable before the answer leaves)',
    buckets: FAST,
    registers,
  }),
};

/** Seconds elapsed since `start` (a `performance.now()` reading). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;

export { Counter, Gauge, Histogram, Registry };
export { METRICS_CONTENT_TYPE, serveMetrics } from './listener.js';
