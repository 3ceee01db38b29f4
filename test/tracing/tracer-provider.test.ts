import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingClientInterceptors } from '../../tracing/temporal-client-tracing';
import { startTracing, tracingFromEnv } from '../../tracing/tracer-provider';
import { keptWorkflowAttributes } from '../../tracing/workflow-span-attributes';
import { envSchema } from '../../config/env';

describe('tracing is off unless an OTLP endpoint is configured', () => {
  test('no endpoint: no provider, and no client interceptor', () => {
    const env = envSchema.parse({});
    expect(env.OTEL_SERVICE_NAME).toBe('durable-nurture');
    expect(tracingFromEnv(env)).toBeNull();
    expect(tracingClientInterceptors(null)).toEqual({ workflow: [] });
  });

  test('an empty endpoint counts as unset', () => {
    expect(tracingFromEnv(envSchema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }))).toBeNull();
  });

  test('an endpoint that is not a URL is refused at start', () => {
    expect(envSchema.safeParse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).success).toBe(false);
  });

  test.each([['OTEL_EXPORTER_OTLP_ENDPOINT'], ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']])(
    '%s set: a registered provider named by OTEL_SERVICE_NAME',
    async (name) => {
      const tracing = tracingFromEnv(
        envSchema.parse({ [name]: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'nurture-eu' }),
      );
      if (tracing === null) throw new Error('tracing should be on');
      try {
        expect(tracing.resource.attributes['service.name']).toBe('nurture-eu');
        expect(tracingClientInterceptors(tracing).workflow).toHaveLength(1);
        // Registered globally: the interceptors' propagation goes through the global API.
        expect(trace.getTracerProvider().getTracer('probe').startSpan('probe').isRecording()).toBe(true);
      } finally {
        // Nothing was recorded that needs the (absent) collector: shutdown has nothing to send.
        await tracing.shutdown();
      }
      expect(trace.getTracerProvider().getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    },
  );
});

describe('workflow span attributes', () => {
  test('keep the primitives of the workflow info, drop its memo, search attributes and last result', () => {
    const attributes: Attributes = {
      workflowId: 'nurture-lead-1',
      runId: 'run-1',
      attempt: 1,
      continueAsNewSuggested: false,
      lastResult: 'free text',
    };
    // As makeWorkflowExporter does it: WorkflowInfo assigned over the attributes, objects and all.
    Object.assign(attributes, { memo: { email: 'a@example.com' }, searchAttributes: { OwnerId: ['rep-7'] } });
    expect(keptWorkflowAttributes(attributes)).toEqual({
      workflowId: 'nurture-lead-1',
      runId: 'run-1',
      attempt: 1,
      continueAsNewSuggested: false,
    });
  });
});

describe('spans leave the process scrubbed', () => {
  test("a provider's error quoting the recipient reaches no exporter", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'test', processor: new SimpleSpanProcessor(exporter) });
    try {
      const span = tracing.tracer.startSpan('RunActivity:sendTouch', { attributes: { leadId: 'lead-1' } });
      const error = new Error(
        '550 5.1.1 <ada@example.com>: recipient rejected; sms +1 415 555 0100 unreachable',
      );
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
      const [exported] = exporter.getFinishedSpans();
      const text = JSON.stringify([exported?.status, exported?.events, exported?.attributes]);
      expect(text).not.toContain('ada@example.com');
      expect(text).not.toContain('555 0100');
      expect(text).toContain('550 5.1.1 <[email]>: recipient rejected; sms [phone] unreachable');
      expect(exported?.attributes).toEqual({ leadId: 'lead-1' });
      expect(exported?.spanContext().spanId).toBe(span.spanContext().spanId);
    } finally {
      await tracing.shutdown();
    }
  });
});
