import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The workflow sink (makeWorkflowExporter) copies the whole WorkflowInfo onto
 * each workflow span's attributes: its memo, search attributes and the last
 * run's result come along, and a memo or a result may hold what a lead told
 * us. Objects are not valid span attributes anyway; what stays is the
 * primitives (workflow id and type, run id, task queue, attempt, history
 * length…), less the one primitive that is free data.
 */
const FREE_DATA = new Set(['lastResult']);

export function keptWorkflowAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!FREE_DATA.has(key) && isPrimitive(value)) kept[key] = value;
  }
  return kept;
}

function isPrimitive(value: AttributeValue | undefined): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * The process's processor, behind a filter for the spans that come out of
 * the workflow sink. Those are plain objects rebuilt from the isolate's copy,
 * so a spread keeps every field.
 */
export function workflowSpanProcessor(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, parentContext) => {
      inner.onStart(span, parentContext);
    },
    onEnd: (span: ReadableSpan) => {
      inner.onEnd({ ...span, attributes: keptWorkflowAttributes(span.attributes) });
    },
    // The inner processor is the provider's too: the provider flushes and shuts it down.
    forceFlush: () => inner.forceFlush(),
    shutdown: () => Promise.resolve(),
  };
}
