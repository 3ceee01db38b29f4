import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { experimentReportSchema } from '../../experiments/report/experiment-report-schema';
import { simulationResultSchema } from '../../simulation/simulation-result';
import { simulationScriptSchema } from '../../simulation/simulation-script';
import { leadEventSchema } from '../../workflows/lead-event';
import { SCOPES } from '../auth/scopes';
import { CSV_LEAD_COLUMNS } from '../enrollment/csv-lead';
import { BULK_MAX_ROWS } from '../enrollment/bulk-upload';
import { audienceListSchema, audienceParamsSchema } from '../routes/audiences';
import { unmatchedQuerySchema } from '../routes/events';
import { bulkQuerySchema, jobErrorsQuerySchema, jobParamsSchema } from '../routes/jobs';
import { outboxListSchema, outboxQuerySchema } from '../routes/outbox';
import { planParamsSchema } from '../routes/plans';
import {
  completeTaskSchema,
  repParamsSchema,
  skipTaskSchema,
  taskCompletedSchema,
  taskListQuerySchema,
  taskListSchema,
  taskParamsSchema,
  taskSkippedSchema,
} from '../routes/tasks';
import {
  experimentListSchema,
  experimentParamsSchema,
  experimentReportQuerySchema,
} from '../schemas/experiment-schemas';
import {
  ackRequestSchema,
  closeRequestSchema,
  enrollLeadSchema,
  enrollResponseSchema,
  eventAcceptedSchema,
  handoffRequestSchema,
  leadParamsSchema,
  leadResponseSchema,
  resumeRequestSchema,
  suppressSchema,
} from '../schemas/lead-schemas';
import { json, nativeBody, problem, UNPROCESSABLE_RESPONSE, v1 } from './openapi-parts';
import { registerPublicPaths } from './public-paths';

const jobSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['receiving', 'queued', 'running', 'completed', 'failed']),
    format: z.enum(['jsonl', 'csv']),
    planId: z.string().nullable(),
    counts: z.object({
      total: z.number().int(),
      processed: z.number().int(),
      enrolled: z.number().int(),
      existing: z.number().int(),
      failed: z.number().int(),
    }),
    progress: z.number().min(0).max(1),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    links: z.object({ self: z.string(), errors: z.string() }),
  })
  .meta({ id: 'BulkJob' });

/** The plan ids the catalog holds, as the document's enum (the catalog is fixed for a process's life). */
function planIdSchema(planIds: readonly string[]) {
  const [first, ...rest] = planIds;
  return first === undefined ? z.never() : z.enum([first, ...rest]);
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas the
 * routes validate with; Schemathesis holds the server to it (test/api/openapi-conformance).
 */
export function buildOpenApiDocument(options: { planIds: readonly string[] }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  // A plan id the catalog lacks is refused with 400 (unknown-plan): the document lists the known ones.
  const planId = planIdSchema(options.planIds).optional();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: `An API key (\`dn_…\`) from \`npm run keys -- create\`. Scopes: ${SCOPES.join(', ')}.`,
  });
  registry.registerComponent('securitySchemes', 'apiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });

  v1(registry, {
    method: 'post',
    path: '/v1/leads',
    summary: 'Enroll a lead',
    description: 'Idempotent on the lead id: a repeat call changes nothing and answers 200.',
    scopes: ['enroll'],
    request: { body: nativeBody(registry, 'EnrollLead', enrollLeadSchema.extend({ planId })) },
    responses: {
      201: json('Enrolled; the nurture started.', enrollResponseSchema),
      200: json('Already enrolled; nothing changed.', enrollResponseSchema),
      409: problem('The lead or its email/phone was erased.'),
      422: UNPROCESSABLE_RESPONSE,
    },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/leads/bulk',
    summary: 'Enroll up to 100k leads from JSON lines or CSV',
    description:
      `At most ${String(BULK_MAX_ROWS)} rows. Each row is validated like POST /v1/leads; a bad row is reported in ` +
      `the job's errors and the batch goes on. CSV columns: ${CSV_LEAD_COLUMNS.join(', ')} (any other column ` +
      'refuses the upload).',
    scopes: ['enroll'],
    request: {
      query: bulkQuerySchema.extend({ planId }),
      body: {
        required: true,
        content: {
          'application/x-ndjson': {
            schema: { type: 'string', description: 'One lead (as POST /v1/leads) per line.' },
          },
          'text/csv': { schema: { type: 'string', description: 'A header row, then one lead per row.' } },
        },
      },
    },
    responses: {
      202: json('Stored; the job enrolls the rows.', jobSchema),
      415: problem('Neither JSON lines nor CSV.'),
      422: problem('The CSV header names a column that is not a lead field.'),
    },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/jobs/{id}',
    summary: 'A bulk job: status, counts and progress',
    scopes: ['enroll', 'read'],
    request: { params: jobParamsSchema },
    responses: { 200: json('The job.', jobSchema), 404: problem('No such job.') },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/jobs/{id}/errors',
    summary: "A bulk job's failed rows, by row number",
    scopes: ['enroll', 'read'],
    request: { params: jobParamsSchema, query: jobErrorsQuerySchema },
    responses: { 200: json('A page of failed rows.'), 404: problem('No such job.') },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/leads/{id}',
    summary: 'A lead and its nurture state',
    scopes: ['read'],
    request: { params: leadParamsSchema },
    responses: {
      200: json('The lead, its experiment arm and its nurture state.', leadResponseSchema),
      404: problem('No such lead.'),
      410: problem('The lead was erased.'),
    },
  });
  v1(registry, {
    method: 'delete',
    path: '/v1/leads/{id}',
    summary: "Erase a lead's personal data (GDPR/CCPA)",
    description:
      'Clears personal data everywhere the service keeps it, ends the nurture, deletes its Temporal history where ' +
      'the server allows, and keeps SHA-256 hashes of the email and phone so the person is not re-enrolled.',
    scopes: ['admin'],
    request: { params: leadParamsSchema },
    responses: { 200: json('Erased (or erased before).'), 404: problem('No such lead.') },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/leads/{id}/timeline',
    summary: 'Events, touches and decisions of a lead, in order, each decision with its reason',
    scopes: ['read'],
    request: { params: leadParamsSchema },
    responses: {
      200: json('The timeline.'),
      404: problem('No such lead.'),
      410: problem('The lead was erased.'),
    },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/leads/{id}/events',
    summary: 'Record a lead event',
    description:
      'Idempotent on the event id. Recorded before the answer, then signalled to the nurture. Each `type` has its own `data` (one schema per type); a known field of the wrong shape is a 400 naming it, extra fields are kept but never read by the rules. An `sms.failed` with Twilio error code 21610 is recorded as `sms.opted_out` reported by the carrier.',
    scopes: ['events'],
    request: { params: leadParamsSchema, body: nativeBody(registry, 'LeadEvent', leadEventSchema) },
    responses: {
      202: json('Recorded.', eventAcceptedSchema),
      404: problem('No such lead.'),
      409: problem('The event id was used for another lead.'),
      410: problem('The lead was erased.'),
    },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/leads/{id}/suppress',
    summary: 'Stop all outreach to a lead',
    scopes: ['events'],
    request: { params: leadParamsSchema, body: nativeBody(registry, 'Suppress', suppressSchema) },
    responses: {
      202: json('Suppressed.'),
      404: problem('No such lead.'),
      410: problem('The lead was erased.'),
    },
  });
  for (const [action, name, schema, summary] of [
    ['handoff', 'Handoff', handoffRequestSchema, 'Hand the lead to sales now'],
    ['handoff/ack', 'HandoffAck', ackRequestSchema, 'Acknowledge a hand-off (stops the SLA clock)'],
    ['resume', 'Resume', resumeRequestSchema, 'Resume a paused nurture'],
    ['close', 'Close', closeRequestSchema, 'Close the nurture'],
  ] as const) {
    v1(registry, {
      method: 'post',
      path: `/v1/leads/{id}/${action}`,
      summary,
      scopes: ['handoff'],
      request: { params: leadParamsSchema, body: nativeBody(registry, name, schema) },
      responses: {
        200: json('Applied by the nurture.'),
        404: problem('No such lead.'),
        409: problem('The nurture refused the action or has ended.'),
        410: problem('The lead was erased.'),
      },
    });
  }
  v1(registry, {
    method: 'get',
    path: '/v1/plans',
    summary: 'The nurture plans',
    scopes: ['read'],
    responses: { 200: json('Every plan, latest version.') },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/plans/{id}',
    summary: 'One plan',
    scopes: ['read'],
    request: { params: planParamsSchema },
    responses: { 200: json('The plan.'), 404: problem('No such plan.') },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/plans/{id}/simulate',
    summary: 'Run a plan against a scripted lead (the engine in-process, over a virtual clock)',
    description:
      'Nothing is sent and nothing is written. The engine the workflow runs is driven in the API process ' +
      'over a virtual clock, so 90 days take milliseconds and `start` may be in the past; `mode` in the ' +
      "answer says which mode ran (`in-process` here; the CLI's `--temporal` runs the real workflow on " +
      'the time-skipping server).',
    scopes: ['read'],
    request: {
      params: planParamsSchema,
      body: nativeBody(registry, 'SimulationScript', simulationScriptSchema),
    },
    responses: {
      200: json('The decision timeline.', simulationResultSchema),
      404: problem('No such plan.'),
      422: problem(
        'The script cannot run, or its lead names a time zone the runtime does not know; `detail` or `issues` says why.',
      ),
    },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/experiments',
    summary: 'The plans that declare an experiment, with their arms and leads per arm',
    scopes: ['read'],
    responses: { 200: json('Every plan with an experiment, latest version.', experimentListSchema) },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/experiments/{planId}',
    summary:
      "A plan experiment's report: rates, uplifts with fixed-horizon and anytime-valid intervals, split check",
    description:
      'Per arm the conversion rate (a goal event within the conversion window from enrollment) with its ' +
      'Wilson interval; each arm against control and against email-only: uplift, Newcombe interval and ' +
      'z-test p-value (valid for one look at a planned end), Holm-adjusted p-values, and a normal-mixture ' +
      'confidence sequence (valid however often the report is read); `srm`, the chi-square check of leads ' +
      "per arm against the shares; per email step, its variants' open, click, reply and conversion rates " +
      'with the same statistics. Which number answers which question: README, "Experiments".',
    scopes: ['read'],
    request: { params: experimentParamsSchema, query: experimentReportQuerySchema },
    responses: {
      200: json('The report.', experimentReportSchema),
      404: problem('No such plan (`not-found`), or the plan declares no experiment (`no-experiment`).'),
      422: problem("`goal` is not one of the plan's conversion goals."),
    },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/events/unmatched',
    summary: 'Provider events that matched no lead (kept, never dropped)',
    scopes: ['read'],
    request: { query: unmatchedQuerySchema },
    responses: { 200: json('The most recent first.') },
  });

  v1(registry, {
    method: 'get',
    path: '/v1/audiences',
    summary: 'Retargeting audiences with their member counts',
    scopes: ['read'],
    responses: { 200: json('Every audience of the plans, and any seen before.', audienceListSchema) },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/audiences/{name}/members.csv',
    summary: "An audience's current members as CSV (hashed identifiers only)",
    description: 'Columns: lead_id, email_sha256, phone_sha256, joined_at; SHA-256 of the normalised values.',
    scopes: ['read'],
    request: { params: audienceParamsSchema },
    responses: {
      200: { description: 'The members.', content: { 'text/csv': { schema: { type: 'string' } } } },
      404: problem('No such audience.'),
    },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/reps/{repId}/tasks',
    summary: "A rep's LinkedIn tasks, with the exact text to send",
    scopes: ['read'],
    request: { params: repParamsSchema, query: taskListQuerySchema },
    responses: { 200: json('Open tasks oldest first; closed ones most recent first.', taskListSchema) },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/tasks/{id}/complete',
    summary: 'The rep did it: recorded as a lead event the nurture applies',
    description:
      'Idempotent: the same report again answers the same. `sent` → linkedin.request_sent, `accepted` → linkedin.connection_accepted, `replied` → linkedin.replied.',
    scopes: ['handoff'],
    request: { params: taskParamsSchema, body: nativeBody(registry, 'CompleteTask', completeTaskSchema) },
    responses: {
      200: json('Completed.', taskCompletedSchema),
      404: problem('No such task.'),
      409: problem('The task was skipped, cancelled, or completed with another outcome.'),
    },
  });
  v1(registry, {
    method: 'post',
    path: '/v1/tasks/{id}/skip',
    summary: 'The rep will not do it, and says why',
    scopes: ['handoff'],
    request: { params: taskParamsSchema, body: nativeBody(registry, 'SkipTask', skipTaskSchema) },
    responses: {
      200: json('Skipped.', taskSkippedSchema),
      404: problem('No such task.'),
      409: problem('The task is closed.'),
    },
  });
  v1(registry, {
    method: 'get',
    path: '/v1/outbox',
    summary: 'What the embedded provider delivered (the default with no provider accounts), newest first',
    scopes: ['read'],
    request: { query: outboxQuerySchema },
    responses: { 200: json('Messages.', outboxListSchema) },
  });
  registerPublicPaths(registry);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'durable-nurture',
      version: '1',
      description:
        'Multi-channel lead nurturing as durable Temporal workflows. Errors are RFC 9457 problem+json. ' +
        'Request bodies are strict: unknown fields are rejected (additionalProperties: false).',
    },
    servers: [{ url: '/' }],
  });
}
