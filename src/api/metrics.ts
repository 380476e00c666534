// Prometheus exposition: GET /metrics (behind `metrics:read`), request-duration hook, optional unauthenticated listener.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Span } from '@opentelemetry/api';
import { Gauge, METRICS_CONTENT_TYPE, metrics, Registry, registry, serveMetrics } from '../lib/metrics/index.js';

export { METRICS_CONTENT_TYPE };
import { noteWrite, startServerSpan, traceparentOf } from '../lib/tracing/index.js';
import { resolvePath } from './native/paths.js';
import { SiteKind, WorkloadKind } from '../model/index.js';
import type { Store } from '../store/index.js';
import { openStreams } from './sse.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SPANS = new WeakMap<FastifyRequest, Span>();

// Streams open in this process (watches, log and audit streams, agent tunnels); computed at scrape time.
new Gauge({
  name: 'continuum_streams_open',
  help: 'Long-lived streams (watches, logs, audit, agent tunnels) currently open in this process',
  registers: [registry],
  collect() {
    this.set(openStreams());
  },
});

const WORKLOAD_PHASES = ['Pending', 'Scheduled', 'Starting', 'Running', 'Failed', 'Terminating', 'Terminated'];

/** Series computed from the store at scrape time (per control plane): sites by readiness, workloads by phase. */
async function storeSeries(store: Store): Promise<string> {
  const local = new Registry();
  const sites = new Gauge({
    name: 'continuum_sites',
    help: 'Sites by Ready condition status (True, False, Unknown)',
    labelNames: ['ready'] as const,
    registers: [local],
  });
  const workloads = new Gauge({
    name: 'continuum_workloads',
    help: 'Workloads by phase',
    labelNames: ['phase'] as const,
    registers: [local],
  });
  for (const ready of ['True', 'False', 'Unknown']) sites.set({ ready }, 0);
  for (const phase of WORKLOAD_PHASES) workloads.set({ phase }, 0);
  for (const s of (await store.list(SiteKind)).items) {
    const cond = s.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
    sites.inc({ ready: cond === 'True' || cond === 'False' ? cond : 'Unknown' });
  }
  for (const w of (await store.list(WorkloadKind)).items) workloads.inc({ phase: w.status?.phase ?? 'Pending' });
  return local.metrics();
}

/** The whole exposition text of this process plus the store-derived series of `store`. */
export async function renderMetrics(store: Store): Promise<string> {
  const [own, fromStore] = await Promise.all([registry.metrics(), storeSeries(store)]);
  return `${own}\n${fromStore}`;
}

/**
 * Registers GET /metrics (permission `metrics:read`) and the hook timing every answered request. The `route` label
 * is the registered route template (never the raw path: bounded cardinality); resource API calls also carry the
 * kind and verb RBAC saw, so `/apis/*` splits by what was asked.
 */
export function metricsRoutes(app: FastifyInstance, o: { store: Store }): void {
  app.addHook('onResponse', async (req, reply) => {
    const a = req.continuum?.attrs;
    const route = req.is404 ? 'unmatched' : (req.routeOptions?.url ?? 'unmatched');
    metrics.apiRequestDuration.observe(
      {
        method: req.method,
        route,
        resource: a?.kind.plural ?? '',
        verb: a ? `${a.verb}${a.subresource ? `/${a.subresource}` : ''}` : '',
        code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    const span = SPANS.get(req);
    if (!span) return;
    span.setAttributes({
      'http.route': route,
      'http.response.status_code': reply.statusCode,
      ...(a ? { 'continuum.resource': a.kind.plural, 'continuum.verb': a.verb } : {}),
      ...(a?.namespace ? { 'continuum.namespace': a.namespace } : {}),
    });
    if (reply.statusCode >= 500) span.setStatus({ code: 2 });
    span.end();
  });
  // The server span starts as the request is routed; its context is what the request's writes carry.
  app.addHook('onRequest', async (req) => {
    const route = req.is404 ? 'unmatched' : (req.routeOptions?.url ?? 'unmatched');
    const span = startServerSpan(`${req.method} ${route}`, req.headers, {
      'http.request.method': req.method,
      'continuum.request_id': String(req.id),
    });
    if (span.isRecording()) SPANS.set(req, span);
  });
  // Before the handler writes: remember the object's trace so the reconcile the write causes joins it.
  app.addHook('preHandler', async (req) => {
    const span = SPANS.get(req);
    const tp = span && traceparentOf(span);
    if (!tp || !WRITE_METHODS.has(req.method) || !req.url.startsWith('/apis/')) return;
    try {
      const t = resolvePath(req.url.split('?')[0].split('/').slice(2).filter(Boolean));
      const meta = (req.body as { metadata?: { name?: unknown; namespace?: unknown } } | undefined)?.metadata;
      const name = t.name ?? (typeof meta?.name === 'string' ? meta.name : undefined);
      const ns = t.namespace ?? (typeof meta?.namespace === 'string' ? meta.namespace : undefined);
      if (name) noteWrite(t.kind.kind, t.kind.namespaced ? ns : undefined, name, tp);
    } catch {
      /* not a resource path: nothing to note */
    }
  });
  app.get('/metrics', { config: { access: { kind: 'permission', permission: 'metrics:read' } } }, async (_req, reply) =>
    reply.type(METRICS_CONTENT_TYPE).send(await renderMetrics(o.store)),
  );
}

/**
 * Serves the same exposition WITHOUT authentication on `address` ("host:port"; meant for a private scrape network
 * or loopback). Any path other than /metrics answers 404. Resolves with the bound URL and a close function.
 */
export async function startMetricsListener(
  address: string,
  store: Store,
): Promise<{ url: string; close: () => Promise<void> }> {
  return serveMetrics(address, () => renderMetrics(store));
}
