import { z } from 'zod';

/**
 * The one place that reads the environment. Every process (service, worker,
 * API, CLI commands, tests) parses it here at start and fails fast with a
 * message that names the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const emptyAsUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
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
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  CALCOM_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  CALENDLY_WEBHOOK_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_WEBHOOK_USER: z.preprocess(emptyAsUndefined, z.string().optional()),
  POSTMARK_WEBHOOK_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Requests per minute each API key may make (429 with Retry-After beyond). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /** Where alerts (hand-off SLA missed) are POSTed; unset = kept in the notifications table. */
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment; throws ConfigError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema
    .superRefine((env, ctx) => {
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
