import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Env } from '../config/env';
import { scrubbedSpans } from './scrubbed-spans';

/** One process's tracer, and what the Temporal interceptors and the workflow sink need from it. */
export interface Tracing {
  readonly tracer: Tracer;
  /** The workflow spans leave the isolate through a sink and join the process's spans here. */
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  /** Flushes what is buffered and unregisters the globals; later spans are dropped. */
  shutdown: () => Promise<void>;
}

const TRACER_NAME = 'durable-nurture';

type TracingEnv = Pick<
  Env,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME'
>;

/**
 * Tracing over OTLP/HTTP when an endpoint is configured, otherwise null: the
 * callers then register no interceptor and no middleware, so a service
 * without a collector pays nothing for it.
 */
export function tracingFromEnv(env: TracingEnv): Tracing | null {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined)
    return null;
  // Built without options so the exporter honours every OTEL_EXPORTER_OTLP_* variable itself
  // (a traces-only endpoint, headers for the collector's auth, timeout, compression).
  const exporter = new OTLPTraceExporter();
  return startTracing({ serviceName: env.OTEL_SERVICE_NAME, processor: new BatchSpanProcessor(exporter) });
}

/**
 * Registers a provider over `processor` as the process's global one. Global
 * because the Temporal interceptors propagate through the OpenTelemetry API's
 * propagator and read the active span from its context manager
 * (AsyncLocalStorage here): a provider that is not registered would trace
 * each hop alone, in traces that never join.
 */
export function startTracing(options: { serviceName: string; processor: SpanProcessor }): Tracing {
  // A Resource built by its constructor, as the workflow sink wants one (merge() returns an IResource):
  // the SDK's own attributes, then OTEL_RESOURCE_ATTRIBUTES, then the service name from config.
  const resource = new Resource({
    ...Resource.default().attributes,
    ...envDetectorSync.detect().attributes,
    [ATTR_SERVICE_NAME]: options.serviceName,
  });
  // The workflow sink feeds `processor` directly: it gets the scrubbing one too.
  const processor = scrubbedSpans(options.processor);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    tracer: provider.getTracer(TRACER_NAME),
    processor,
    resource,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
