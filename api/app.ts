import { randomUUID } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { httpRequestDuration } from '../metrics/service-metrics';
import { httpServerSpans } from '../tracing/http-server-spans';
import type { AppDeps } from './app-deps';
import { authenticate } from './auth/authenticate';
import { loggedPath } from './logged-path';
import { methodNotAllowed } from './method-not-allowed';
import { refuseNul } from './refuse-nul';
import { apiSecurityHeaders } from './security-headers';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { failedAuthLimit } from './auth/failed-auth-limit';
import { rateLimitPerKey } from './auth/rate-limit';
import { errorHandler, notFoundHandler } from './error-handler';
import { healthRouter } from './routes/health';
import { jobsRouter } from './routes/jobs';
import { metricsRouter } from './routes/metrics';
import { leadsRouter } from './routes/leads';
import { outboxRouter } from './routes/outbox';
import { plansRouter } from './routes/plans';
import { tasksRouter } from './routes/tasks';
import { unsubscribeRouter } from './routes/unsubscribe';
import { audiencesRouter } from './routes/audiences';
import { docsRouter } from './routes/docs';
import { eventsRouter } from './routes/events';
import { experimentsRouter } from './routes/experiments';
import { createDatabaseReplayGuard, createWebhookIngest } from './inbox/webhook-ingest';
import { createWebhooksRouter } from './webhooks/webhooks-router';

export const BODY_LIMIT = '256kb';

/** The HTTP API, without `listen`: the service and the tests decide where it runs. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const document = buildOpenApiDocument({ planIds: deps.plans.ids() });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) {
    const hops = Number(deps.trustProxy);
    app.set('trust proxy', Number.isInteger(hops) ? hops : deps.trustProxy);
  }

  const failedAuth = failedAuthLimit(
    deps.failedAuthPerMinute === undefined ? {} : { perMinute: deps.failedAuthPerMinute },
  );
  // First, so the span covers every later middleware and is active in each handler.
  if (deps.tracer !== undefined) app.use(httpServerSpans(deps.tracer, routePattern));
  app.use(apiSecurityHeaders);
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.logger.info(
        { requestId, method: req.method, path: loggedPath(req.path), status: res.statusCode, ms },
        'request',
      );
      httpRequestDuration.observe(
        { method: req.method, route: routePattern(req), status: String(res.statusCode) },
        ms / 1000,
      );
    });
    next();
  });
  // Webhooks verify signatures over the raw bytes: mounted before the JSON parser.
  app.use(
    createWebhooksRouter({
      secrets: deps.webhookSecrets ?? {},
      ingest: createWebhookIngest(deps),
      replayGuard: createDatabaseReplayGuard(deps.prisma),
      now: Date.now,
    }),
  );
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(refuseNul);

  app.use(healthRouter(deps));
  // Scrapers send a key with the read scope (Prometheus: `authorization: {credentials_file: …}`);
  // METRICS_PORT serves the same text without one, on its own listener.
  app.use('/metrics', failedAuth.guard, authenticate(deps.prisma, { onFailure: failedAuth.recordFailure }));
  app.use(metricsRouter({ guarded: true }));
  app.use(unsubscribeRouter(deps));
  app.use(docsRouter(document));
  // Everything under /v1 needs an API key; each route names the scope it needs.
  app.use(
    '/v1',
    failedAuth.guard,
    authenticate(deps.prisma, { onFailure: failedAuth.recordFailure }),
    rateLimitPerKey({ perMinute: deps.rateLimitPerMinute ?? 1200 }),
  );
  app.use(jobsRouter(deps));
  app.use(leadsRouter(deps));
  app.use(plansRouter(deps));
  app.use(experimentsRouter(deps));
  app.use(eventsRouter(deps));
  app.use(audiencesRouter(deps));
  app.use(tasksRouter(deps));
  app.use(outboxRouter(deps));
  app.use(methodNotAllowed(document));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The route's pattern (`/v1/leads/:id`), never the path itself: ids would make a label per lead. */
function routePattern(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? req.baseUrl + route.path : 'unmatched';
}
