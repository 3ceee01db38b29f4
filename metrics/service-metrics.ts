import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics, one registry per process (`GET /metrics`).
 * Counters move only where a record is first written (an activity's insert,
 * an inbox row, a webhook's refusal), never in workflow code: a replayed
 * workflow or a retried activity that finds its row counts nothing twice.
 * Labels carry kinds, never ids or personal data, so their number stays small.
 */
export const metricsRegistry = new Registry();

export const touchesTotal = new Counter({
  name: 'nurture_touches_total',
  help: 'Touches whose outcome was recorded, by channel and outcome (sent or failed).',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const touchRetriesTotal = new Counter({
  name: 'nurture_touch_retries_total',
  help: 'Provider calls that failed and are retried by Temporal, by channel and kind (transient or configuration).',
  labelNames: ['channel', 'kind'] as const,
  registers: [metricsRegistry],
});

export const decisionsTotal = new Counter({
  name: 'nurture_decisions_total',
  help: 'Engine decisions recorded, by rule and outcome.',
  labelNames: ['rule', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const consentRefusalsTotal = new Counter({
  name: 'nurture_consent_refusals_total',
  help: 'Touches the engine did not make because the lead has no consent for the channel.',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});

export const handoffSlaBreachesTotal = new Counter({
  name: 'nurture_handoff_sla_breaches_total',
  help: 'Hand-offs not acknowledged within the plan’s SLA and escalated to the backup owner.',
  registers: [metricsRegistry],
});

export const eventsTotal = new Counter({
  name: 'nurture_events_total',
  help: 'Lead events recorded in the inbox (duplicates not counted), by type and source.',
  labelNames: ['type', 'source'] as const,
  registers: [metricsRegistry],
});

export const webhookVerificationFailuresTotal = new Counter({
  name: 'nurture_webhook_verification_failures_total',
  help: 'Webhook requests refused because they could not be verified, by provider and reason.',
  labelNames: ['provider', 'reason'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'nurture_http_request_duration_seconds',
  help: 'HTTP request duration, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Gauges read from the database at scrape time; registered by the API process that owns the database handle. */
export function registerBacklogGauges(read: {
  inboxBacklog: () => Promise<number>;
  bulkRowsPending: () => Promise<number>;
}): void {
  if (metricsRegistry.getSingleMetric('nurture_inbox_backlog') !== undefined) return;
  new Gauge({
    name: 'nurture_inbox_backlog',
    help: 'Events recorded in the inbox and not yet signalled to their nurture.',
    registers: [metricsRegistry],
    async collect() {
      this.set(await read.inboxBacklog());
    },
  });
  new Gauge({
    name: 'nurture_bulk_rows_pending',
    help: 'Bulk enrollment rows stored and not yet enrolled.',
    registers: [metricsRegistry],
    async collect() {
      this.set(await read.bulkRowsPending());
    },
  });
}
