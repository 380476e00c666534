// OpenTelemetry tracing: the process tracer, W3C traceparent propagation, OTLP/HTTP export when configured.
import { context, propagation, trace, SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/**
 * Starts exporting spans over OTLP/HTTP to `endpoint` (`<endpoint>/v1/traces`; default OTEL_EXPORTER_OTLP_ENDPOINT).
 * Without an endpoint nothing is recorded (the API's no-op tracer). Idempotent per process: the first call wins.
 * `immediate` exports each span as it ends (tests); otherwise spans are batched.
 */
export function startTracing(
  o: { serviceName?: string; endpoint?: string; exporter?: SpanExporter; immediate?: boolean } = {},
): Tracing | undefined {
  if (active) return active;
  const endpoint = o.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint && !o.exporter) return undefined;
  const exporter = o.exporter ?? new OTLPTraceExporter({ url: `${endpoint!.replace(/\/$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName ?? 'continuum' }),
    spanProcessors: [o.immediate ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The active span follows async calls, so writes, outgoing requests and log lines inside a span know it.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  active = { shutdown: () => provider.shutdown() };
  return active;
}

export const tracer = () => trace.getTracer('continuum');

/** Starts a server span, child of the `traceparent` in `headers` when valid; a no-op span when tracing is off. */
export function startServerSpan(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  attributes: Attributes = {},
): Span {
  const parent = propagation.extract(context.active(), headers);
  return tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
}

/** The W3C traceparent of a recording span; undefined for no-op spans (tracing off). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-0${c.traceFlags & 1}`;
}

/**
 * Trace contexts of recent API writes by "Kind/namespace/name", so the reconcile a write causes joins the write's
 * trace. In-process only; bounded (oldest dropped beyond MAX_WRITES) and entries expire after WRITE_TTL_MS.
 */
const writes = new Map<string, { traceparent: string; at: number; resourceVersion?: string }>();
const MAX_WRITES = 4096;
const WRITE_TTL_MS = 60_000;

/** Remembers the trace of a write; with `resourceVersion` (known after the commit) only that revision matches. */
export function noteWrite(
  kind: string,
  namespace: string | undefined,
  name: string,
  traceparent: string,
  resourceVersion?: string,
): void {
  const key = `${kind}/${namespace ?? ''}/${name}`;
  writes.delete(key);
  writes.set(key, { traceparent, at: Date.now(), ...(resourceVersion ? { resourceVersion } : {}) });
  if (writes.size > MAX_WRITES) writes.delete(writes.keys().next().value!);
}

/** The traceparent of the latest traced write of the object, if recent (and of that revision, when given). */
export function writeTrace(
  kind: string,
  namespace: string | undefined,
  name: string,
  resourceVersion?: string,
): string | undefined {
  if (!writes.size) return undefined;
  const e = writes.get(`${kind}/${namespace ?? ''}/${name}`);
  if (!e || Date.now() - e.at >= WRITE_TTL_MS) return undefined;
  if (resourceVersion && e.resourceVersion && e.resourceVersion !== resourceVersion) return undefined;
  return e.traceparent;
}

/** The traceparent of the active recording span (inside `inSpan`), for what the code does next. */
export function activeTraceparent(): string | undefined {
  const span = trace.getSpan(context.active());
  return span ? traceparentOf(span) : undefined;
}

/** `trace_id` and `span_id` of the active recording span, for log lines (empty when there is none). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span?.isRecording()) return {};
  const c = span.spanContext();
  return { trace_id: c.traceId, span_id: c.spanId };
}

/** Adds the active span's `traceparent` to outgoing request headers (nothing when tracing is off). */
export function injectTraceparent(headers: Record<string, string>): void {
  const tp = activeTraceparent();
  if (tp && !headers.traceparent) headers.traceparent = tp;
}

/**
 * Runs `fn` inside an internal span named `name`, child of `traceparent` when given (else of the active span); the
 * span is active while `fn` runs and ends with it.
 */
export async function inSpan<T>(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (e) {
    span.setStatus({ code: 2, message: (e as Error).message });
    throw e;
  } finally {
    span.end();
  }
}
