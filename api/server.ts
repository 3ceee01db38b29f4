import type { Server } from 'node:http';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Express } from 'express';
import type { Env } from '../config/env';
import type { Logger } from '../config/logger';
import { temporalConnectionOptions } from '../config/temporal-options';
import { PlanCatalog } from '../plans/plan-catalog';
import type { PrismaClient } from '../prisma/generated/client';
import { startAudienceSync } from '../activities/audiences/audience-sync';
import { unsubscribeSecret } from '../prisma/repositories/unsubscribe-secret-setting';
import { audiencePlatforms } from './audience-platforms';
import { createApp } from './app';
import { startBulkJobRunner } from './enrollment/bulk-job-runner';
import { startHistoryDeletionRetries } from './erasure/history-deletion';
import { startEventRelay } from './inbox/event-relay';
import { startMetricsServer } from '../metrics/metrics-server';
import { registerDatabaseGauges } from './routes/metrics';
import { tracingClientInterceptors } from '../tracing/temporal-client-tracing';
import type { Tracing } from '../tracing/tracer-provider';

export interface RunningApi {
  url: string;
  stop: () => Promise<void>;
}

/** Tries of one Temporal call from the API (the first and four retries, ~1.8 s in all). */
const API_TEMPORAL_ATTEMPTS = 5;

/**
 * The SDK retries an unavailable server for about 20 s by default: a request
 * would hang that long. A few quick retries ride out a blip; past them the
 * request answers 503 with Retry-After (api/dependency-unavailable.ts).
 */
export function apiTemporalInterceptors() {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: API_TEMPORAL_ATTEMPTS }))];
}

/**
 * Connects the Temporal client and serves the API on HOST:PORT. With `tracing`,
 * each request gets a server span and the client's calls carry it to the workflow.
 */
export async function startApi(
  env: Env,
  prisma: PrismaClient,
  logger: Logger,
  tracing: Tracing | null = null,
): Promise<RunningApi> {
  const plans = PlanCatalog.load();
  const connection = await Connection.connect({
    ...temporalConnectionOptions(env),
    interceptors: apiTemporalInterceptors(),
  });
  const temporal = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    interceptors: tracingClientInterceptors(tracing),
  });
  const app = createApp({
    prisma,
    temporal,
    plans,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    defaultPlanId: env.DEFAULT_PLAN_ID,
    globalControlShare: env.GLOBAL_CONTROL_SHARE,
    logger,
    ...(tracing === null ? {} : { tracer: tracing.tracer }),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    ...(env.TRUST_PROXY === undefined ? {} : { trustProxy: env.TRUST_PROXY }),
    unsubscribeSecret: await unsubscribeSecret(env, prisma),
    webhookSecrets: {
      sendgridPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY,
      twilioAuthToken: env.TWILIO_AUTH_TOKEN,
      twilioSharedKeySecret: env.TWILIO_WEBHOOK_SHARED_KEY_SECRET,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      calcomSecret: env.CALCOM_WEBHOOK_SECRET,
      calendlySigningKey: env.CALENDLY_WEBHOOK_SIGNING_KEY,
      mailgunSigningKey: env.MAILGUN_WEBHOOK_SIGNING_KEY,
      postmarkUser: env.POSTMARK_WEBHOOK_USER,
      postmarkPassword: env.POSTMARK_WEBHOOK_PASSWORD,
      sendgridInboundUser: env.SENDGRID_INBOUND_USER,
      sendgridInboundPassword: env.SENDGRID_INBOUND_PASSWORD,
      postmarkInboundUser: env.POSTMARK_INBOUND_USER,
      postmarkInboundPassword: env.POSTMARK_INBOUND_PASSWORD,
    },
  });
  const relay = startEventRelay({ prisma, temporal, logger });
  const platforms = audiencePlatforms(env);
  const audienceSync = platforms.length === 0 ? null : startAudienceSync({ prisma, platforms, logger });
  const bulkJobs = startBulkJobRunner({
    prisma,
    temporal,
    plans,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    defaultPlanId: env.DEFAULT_PLAN_ID,
    globalControlShare: env.GLOBAL_CONTROL_SHARE,
    logger,
  });
  const historyDeletions = startHistoryDeletionRetries({ prisma, temporal, logger });
  registerDatabaseGauges(prisma);
  const server = await listen(app, env.PORT, env.HOST);
  const url = `http://${env.HOST}:${env.PORT}`;
  logger.info({ url }, 'api listening');
  const metricsServer =
    env.METRICS_PORT === undefined ? null : await startMetricsServer(env.METRICS_PORT, env.HOST);
  if (env.METRICS_PORT !== undefined) {
    logger.info({ url: `http://${env.HOST}:${String(env.METRICS_PORT)}/metrics` }, 'metrics listening');
  }
  return {
    url,
    async stop() {
      await close(server);
      await metricsServer?.stop();
      await relay.stop();
      await bulkJobs.stop();
      await historyDeletions.stop();
      await audienceSync?.stop();
      await connection.close();
    },
  };
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(error);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
}
