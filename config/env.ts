import { z } from 'zod';
import { configuredUrlProblem, parseAllowEntry, policyOf, type AllowEntry } from './outbound-targets';

/**
 * The one place that reads the environment. Every process (service, worker,
 * API, CLI commands, tests) parses it here at start and fails fast with a
 * message that names the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const emptyAsUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

const audienceIdMap = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of audience name to platform id' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string().min(1), z.string().regex(/^[A-Za-z0-9_:-]{1,64}$/, 'must be a platform audience id')),
  );

const allowList = z.string().transform((text, ctx): AllowEntry[] => {
  const entries: AllowEntry[] = [];
  for (const [index, item] of text.split(',').entries()) {
    if (item.trim() === '') continue;
    const entry = parseAllowEntry(item);
    if (entry === null) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${String(index + 1)} is not a host name, an address or a CIDR range`,
      });
    } else {
      entries.push(entry);
    }
  }
  return entries;
});

/** OTLP/HTTP's endpoint: `collector:4318` parses as a URL (scheme `collector:`) and would fail at the first export. */
const otlpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** A second listener on HOST serving only /metrics, without a key, for a scraper on a private network. */
  METRICS_PORT: z.preprocess(emptyAsUndefined, port.optional()),
  /** Temporal's SDK metrics (Core runtime: slots, sticky cache, schedule-to-start) in Prometheus text on HOST. */
  TEMPORAL_METRICS_PORT: z.preprocess(emptyAsUndefined, port.optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL')
      .optional(),
  ),
  EMBEDDED_DB_PORT: port.default(54329),
  TEMPORAL_ADDRESS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, for example 127.0.0.1:7233')
      .optional(),
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('nurture'),
  TEMPORAL_TLS: z.preprocess(emptyAsUndefined, booleanFlag.optional()),
  TEMPORAL_TLS_CERT_PATH: z.preprocess(emptyAsUndefined, z.string().optional()),
  TEMPORAL_TLS_KEY_PATH: z.preprocess(emptyAsUndefined, z.string().optional()),
  TEMPORAL_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DEFAULT_PLAN_ID: z.string().min(1).default('default'),
  /** Nurtures kept in the worker's memory between events (README, "Sizing the worker"). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(2000),
  /** Where CRM notifications (suppressed, converted, hand-off) are POSTed; unset = kept in the notifications table. */
  CRM_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  // Provider webhooks: each endpoint answers 501 until its secret is set.
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  TWILIO_AUTH_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** The SharedKey secret(s) of a Twilio Webhooks Setting, comma-separated; unset = Auth Token signatures only. */
  TWILIO_WEBHOOK_SHARED_KEY_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  CALCOM_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  CALENDLY_WEBHOOK_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_WEBHOOK_USER: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_WEBHOOK_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  // Inbound mail (replies): HTTP Basic in the URL SendGrid Inbound Parse and Postmark's inbound hook call.
  SENDGRID_INBOUND_USER: z.preprocess(emptyAsUndefined, z.string().optional()),
  SENDGRID_INBOUND_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_INBOUND_USER: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_INBOUND_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  // Delivery providers: unset = the embedded outbox (README, "Channels and providers").
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  EMAIL_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).optional()),
  SENDGRID_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  SENDGRID_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  TWILIO_ACCOUNT_SID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC…)')
      .optional(),
  ),
  TWILIO_MESSAGING_SERVICE_SID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'must be a messaging service SID (MG…)')
      .optional(),
  ),
  TWILIO_FROM: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  TWILIO_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /**
   * Signs unsubscribe links: comma-separated secrets of 32+ characters, the
   * first signs and all verify (rotation). Unset = one generated into the database.
   */
  UNSUBSCRIBE_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text) => text.split(',').map((secret) => secret.trim()))
      .pipe(z.array(z.string().min(32, 'each secret must be at least 32 characters')).min(1))
      .optional(),
  ),
  // Retargeting: each platform syncs once its token and audience-id map are set.
  META_ACCESS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** JSON: our audience name → Meta custom audience id, e.g. {"nurture":"2384…"}. */
  META_AUDIENCE_IDS: z.preprocess(emptyAsUndefined, audienceIdMap.optional()),
  META_GRAPH_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  LINKEDIN_ACCESS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** JSON: our audience name → LinkedIn DMP segment id. */
  LINKEDIN_SEGMENT_IDS: z.preprocess(emptyAsUndefined, audienceIdMap.optional()),
  LINKEDIN_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /**
   * Express's `trust proxy` when the API sits behind a load balancer (e.g. `1`,
   * `loopback`, `10.0.0.0/8`), so limits and logs see the client's address.
   */
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** Requests per minute each API key may make (429 with Retry-After beyond). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** Where alerts (hand-off SLA missed) are POSTed; unset = kept in the notifications table. */
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),

  // ── Experiments (README, "Experiments") ──────────────────────────────────
  /**
   * The fraction of all leads held out of every plan (no touch at all),
   * drawn before a plan's own arms. 0 holds nobody out; above one half is
   * refused as a likely typo (10 meant as 10 % is 0.1).
   */
  GLOBAL_CONTROL_SHARE: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .min(0, 'must be a fraction from 0 to 0.5, e.g. 0.05 for 5 %')
      .max(0.5, 'must be a fraction from 0 to 0.5, e.g. 0.05 for 5 %')
      .default(0),
  ),
  // ── end of Experiments ───────────────────────────────────────────────────
  // ── Outbound webhooks: where CRM_WEBHOOK_URL and ALERT_WEBHOOK_URL may point ──
  // Public addresses only unless allowed here (config/outbound-targets.ts).
  /** Allow private, loopback and link-local targets too (a sink on this host or the LAN). */
  OUTBOUND_WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, booleanFlag.default(false)),
  /** Comma-separated host names, addresses and CIDR ranges allowed even when private: `crm.internal,10.1.0.0/16`. */
  OUTBOUND_WEBHOOK_ALLOW_HOSTS: z.preprocess(emptyAsUndefined, allowList.default([])),
  // ── end of outbound webhooks ──
  // ── Tracing (README, "Tracing") ──────────────────────────────────────────
  /**
   * OpenTelemetry's standard variable: set, spans go over OTLP/HTTP to it
   * (`/v1/traces` appended); unset, no tracer and no interceptor at all. The
   * exporter itself reads the other OTEL_EXPORTER_OTLP_* variables (headers,
   * timeout, a traces-only endpoint).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUndefined, otlpUrl.optional()),
  /** The traces-only form of the above; either one turns tracing on. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(emptyAsUndefined, otlpUrl.optional()),
  /** `service.name` on every span. */
  OTEL_SERVICE_NAME: z.preprocess(emptyAsUndefined, z.string().min(1).default('durable-nurture')),
  // ── end of tracing ──
  /**
   * Fault tests only (`npm run test:faults`): `npm start` then takes SIGUSR2 as
   * "stop serving the embedded database's port / serve it again". Never set in production.
   */
  FAULT_HOOKS: z.preprocess(emptyAsUndefined, booleanFlag.default(false)),
});

export type Env = z.infer<typeof envSchema>;

/** A real provider sends to real people: it needs a sender, reachable links and signed unsubscribes. */
function deliveryConfigIssues(env: Env): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const email = env.SMTP_URL !== undefined || env.SENDGRID_API_KEY !== undefined;
  const sms = env.TWILIO_ACCOUNT_SID !== undefined;
  if (env.SMTP_URL !== undefined && env.SENDGRID_API_KEY !== undefined) {
    issues.push({ path: ['SENDGRID_API_KEY'], message: 'set SMTP_URL or SENDGRID_API_KEY, not both' });
  }
  if (email && env.EMAIL_FROM === undefined) {
    issues.push({ path: ['EMAIL_FROM'], message: 'is required with SMTP_URL or SENDGRID_API_KEY' });
  }
  if ((email || sms) && env.PUBLIC_BASE_URL === undefined) {
    issues.push({ path: ['PUBLIC_BASE_URL'], message: 'is required with a real email or SMS provider' });
  }
  if (sms) {
    if (env.TWILIO_AUTH_TOKEN === undefined) {
      issues.push({ path: ['TWILIO_AUTH_TOKEN'], message: 'is required with TWILIO_ACCOUNT_SID' });
    }
    if ((env.TWILIO_MESSAGING_SERVICE_SID === undefined) === (env.TWILIO_FROM === undefined)) {
      issues.push({
        path: ['TWILIO_MESSAGING_SERVICE_SID'],
        message: 'set exactly one of TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM with TWILIO_ACCOUNT_SID',
      });
    }
  }
  return issues;
}

/** The outbound webhook URLs against the policy, as far as it can be told without DNS. */
function outboundWebhookIssues(env: Env): { path: string[]; message: string }[] {
  const policy = policyOf(env.OUTBOUND_WEBHOOK_ALLOW_PRIVATE, env.OUTBOUND_WEBHOOK_ALLOW_HOSTS);
  return (['CRM_WEBHOOK_URL', 'ALERT_WEBHOOK_URL'] as const).flatMap((name) => {
    const url = env[name];
    const problem = url === undefined ? null : configuredUrlProblem(url, policy);
    return problem === null ? [] : [{ path: [name], message: problem }];
  });
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment; throws ConfigError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema
    .superRefine((env, ctx) => {
      for (const issue of deliveryConfigIssues(env)) ctx.addIssue({ code: 'custom', ...issue });
      for (const issue of outboundWebhookIssues(env)) ctx.addIssue({ code: 'custom', ...issue });
      if ((env.TEMPORAL_TLS_CERT_PATH === undefined) !== (env.TEMPORAL_TLS_KEY_PATH === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['TEMPORAL_TLS_KEY_PATH'],
          message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
        });
      }
    })
    .safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    // The value itself is never echoed: it may be a secret.
    return `  ${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

let cached: Env | undefined;

/** The process environment, parsed once. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
