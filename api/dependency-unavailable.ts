import { isGrpcServiceError } from '@temporalio/client';
import { ProblemError } from './problem';

/**
 * Telling "a service we depend on is down for now" apart from a bug. Such a
 * request is answered 503 with `Retry-After` (the client tries again and it
 * works once the dependency is back), never a 500; loops that do background
 * work release what they hold and come back later instead of failing rows.
 */
export type Dependency = 'database' | 'temporal';

/** Temporal's dev server restarts in a few seconds; PGlite's socket and a PostgreSQL failover about as fast. */
export const RETRY_AFTER_SECONDS = 5;

export class ServiceUnavailableError extends ProblemError {
  constructor(
    readonly dependency: Dependency,
    readonly retryAfterSeconds: number = RETRY_AFTER_SECONDS,
  ) {
    super(
      503,
      `${dependency}-unavailable`,
      dependency === 'database' ? 'Database unavailable' : 'Temporal unavailable',
      `The ${dependency === 'database' ? 'database' : 'Temporal service'} does not answer just now; nothing was changed. Try again after ${String(retryAfterSeconds)} s.`,
    );
  }
}

/**
 * Prisma's codes for a database that cannot be reached, timed out, closed the
 * connection, ran out of pooled connections, or let an interactive transaction
 * expire (P2028: on the embedded database, a transaction waits behind every
 * other connection's statements).
 */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** The driver adapter's kinds for the same, carried in `meta.driverAdapterError`. */
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/**
 * PostgreSQL's own SQLSTATEs for the same: connection exceptions (class 08),
 * and the server shutting down, crashed or still starting (57P01-57P03, as
 * when connections are terminated at a failover or restart).
 */
const SQLSTATE_UNAVAILABLE = /^(08...|57P0[123])$/;
/** What `pg` itself throws for a connection that broke under a query or a transaction. */
const PG_CONNECTION_LOST =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable/;

/**
 * gRPC codes that mean the Temporal service is not answering (now), not that
 * the call was wrong: UNAVAILABLE (14), DEADLINE_EXCEEDED (4), RESOURCE_EXHAUSTED (8).
 */
const GRPC_UNAVAILABLE = new Set<number>([14, 4, 8]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
  cause?: unknown;
}

function shapeOf(error: unknown): ErrorShape | null {
  return typeof error === 'object' && error !== null ? error : null;
}

function isDatabaseUnavailable(error: ErrorShape): boolean {
  if (error.name === 'PrismaClientInitializationError') return true;
  if (typeof error.code === 'string' && PRISMA_UNAVAILABLE.has(error.code)) return true;
  const cause = error.meta?.driverAdapterError?.cause;
  if (typeof cause?.kind === 'string' && ADAPTER_UNAVAILABLE.has(cause.kind)) return true;
  if (cause?.kind === 'postgres' && typeof cause.code === 'string' && SQLSTATE_UNAVAILABLE.test(cause.code)) {
    return true;
  }
  return typeof error.message === 'string' && PG_CONNECTION_LOST.test(error.message);
}

/** A gRPC status error, as the Temporal client raises it or wraps it in a ServiceError. */
function isTemporalUnavailable(error: unknown): boolean {
  return isGrpcServiceError(error) && GRPC_UNAVAILABLE.has(error.code);
}

/** Which dependency `error` says is unavailable, looking through `cause` chains; null for any other error. */
export function unavailableDependency(error: unknown): Dependency | null {
  let current = shapeOf(error);
  for (let depth = 0; current !== null && depth < 5; depth += 1) {
    if (current instanceof ServiceUnavailableError) return current.dependency;
    if (isDatabaseUnavailable(current)) return 'database';
    if (isTemporalUnavailable(current)) return 'temporal';
    current = shapeOf(current.cause);
  }
  return null;
}

/** The 503 for an error that says a dependency is unavailable; null for any other error. */
export function unavailableProblem(error: unknown): ServiceUnavailableError | null {
  if (error instanceof ServiceUnavailableError) return error;
  const dependency = unavailableDependency(error);
  return dependency === null ? null : new ServiceUnavailableError(dependency);
}
