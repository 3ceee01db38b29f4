import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracer-provider';
import { workflowSpanProcessor } from './workflow-span-attributes';

/**
 * The workflow interceptors (RunWorkflow, HandleSignal, StartActivity spans),
 * loaded inside the workflow bundle. The package built them for the sandbox:
 * span ids come from the workflow's seeded random, so a replay rebuilds the
 * same ids, and spans are handed out through a sink, which the SDK does not
 * call during replay, so a replayed task exports nothing twice.
 */
export const WORKFLOW_TRACING_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** What a traced worker adds to its options. */
export interface WorkerTracingOptions {
  interceptors: NonNullable<WorkerOptions['interceptors']>;
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

/**
 * Activity spans (RunActivity, under the workflow's StartActivity), the
 * workflow interceptor module, and the sink that hands the workflow's spans
 * to this process's processor (without the workflow's memo and search
 * attributes: workflow-span-attributes.ts). A worker given a prebuilt bundle
 * (`prebuilt`) has the module in it already, passed to bundleWorkflowCode as
 * `workflowInterceptorModules`: the SDK ignores `workflowModules` then.
 */
export function workerTracingOptions(tracing: Tracing, prebuilt = false): WorkerTracingOptions {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
          // Puts trace and span ids on the activity's log lines.
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      ...(prebuilt ? {} : { workflowModules: [WORKFLOW_TRACING_MODULE] }),
    },
    sinks: { exporter: makeWorkflowExporter(workflowSpanProcessor(tracing.processor), tracing.resource) },
  };
}
