// OpenTelemetry tracing: the process tracer, W3C traceparent propagation, OTLP/HTTP export when configured.
import { context, propagation, trace, SpanKind, type Attributes } from '@opentelemetry/api';
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
  active = { shutdown: () => provider.shutdown() };
  return active;
}

export const tracer = () => trace.getTracer('continuum');

/**
 * Records a finished server span: started `elapsedMs` ago, ended now, child of the `traceparent` in `headers` when
 * there is a valid one. Returns the span's traceparent (for log correlation), or undefined when tracing is off.
 */
export function recordServerSpan(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  elapsedMs: number,
  attributes: Attributes,
  error: boolean,
): string | undefined {
  const parent = propagation.extract(context.active(), headers);
  const now = Date.now();
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, startTime: now - elapsedMs, attributes }, parent);
  if (!span.isRecording()) return undefined;
  if (error) span.setStatus({ code: 2 });
  span.end(now);
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-0${c.traceFlags}`;
}
