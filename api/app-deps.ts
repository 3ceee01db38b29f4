import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { UnsubscribeSecret } from '../activities/unsubscribe-link';
import type { Logger } from '../config/logger';
import type { PlanCatalog } from '../plans/plan-catalog';
import type { PrismaClient } from '../prisma/generated/client';
import type { WebhookSecrets } from './webhooks/webhook-deps';

/** Everything the HTTP API needs, built by the caller (service, tests). */
export interface AppDeps {
  prisma: PrismaClient;
  temporal: Client;
  plans: PlanCatalog;
  taskQueue: string;
  defaultPlanId: string;
  logger: Logger;
  /** GLOBAL_CONTROL_SHARE: the fraction of new leads held out of every plan; default 0. */
  globalControlShare?: number;
  /** Express's `trust proxy` (TRUST_PROXY): hops, subnets or `loopback`; unset = none. */
  trustProxy?: string;
  /** Requests per minute per API key; default 1200. */
  rateLimitPerMinute?: number;
  /** 401s one client address may earn per minute before it gets 429s; default 60. */
  failedAuthPerMinute?: number;
  /** Verifies the signed unsubscribe links in emails; unset = /u/… answers 501. */
  unsubscribeSecret?: UnsubscribeSecret;
  /** Provider webhook secrets; an unset one turns its endpoint off (501). */
  webhookSecrets?: WebhookSecrets;
  /** A server span per request (README, "Tracing"); unset = no tracing middleware at all. */
  tracer?: Tracer;
}
