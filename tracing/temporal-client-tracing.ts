import type { WorkflowClientInterceptor } from '@temporalio/client';
// The client part only: the package's index also loads the worker's, which the API never needs.
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { Tracing } from './tracer-provider';

/**
 * The API's Temporal client interceptors: each start, signal and
 * signal-with-start gets a client span under the active one (the HTTP
 * request's) and carries its context to the workflow in a header.
 */
export function tracingClientInterceptors(tracing: Tracing | null): {
  workflow: WorkflowClientInterceptor[];
} {
  return {
    workflow:
      tracing === null ? [] : [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })],
  };
}
