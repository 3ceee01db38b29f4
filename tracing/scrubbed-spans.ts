import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { scrubText } from '../config/logger';

/**
 * The interceptors record a failed activity's or workflow's error on its span
 * (status message, an `exception` event with message and stack), and a
 * provider's error may quote the recipient ("550 <ada@example.com> rejected").
 * Every span passes here before its processor exports it, with addresses and
 * numbers in free text replaced as in the logs.
 */
export function scrubbedSpans(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, parentContext) => {
      inner.onStart(span, parentContext);
    },
    onEnd: (span) => {
      inner.onEnd(scrubbed(span));
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/** A view of the span with its text scrubbed; the SDK's own spans are class instances, so no spread. */
function scrubbed(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    startTime: span.startTime,
    endTime: span.endTime,
    status:
      span.status.message === undefined
        ? span.status
        : { ...span.status, message: scrubText(span.status.message) },
    attributes: scrubbedAttributes(span.attributes),
    links: span.links,
    events: span.events.map((event) =>
      event.attributes === undefined ? event : { ...event, attributes: scrubbedAttributes(event.attributes) },
    ),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationLibrary: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function scrubbedAttributes(attributes: Attributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    result[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  return result;
}
