import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

// gRPC status codes (grpc/grpc doc/statuscodes.md): the server could not be
// reached, or did not answer within the call's deadline.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * True when a Temporal call failed because the server is down or out of
 * reach (connection refused, no answer before the deadline), not because it
 * refused the call. The client wraps the gRPC error in a ServiceError, so the
 * cause is looked at too.
 */
export function temporalUnreachable(error: unknown): boolean {
  if (isGrpcDeadlineError(error)) return true;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (isGrpcServiceError(current)) {
      const code: number = current.code;
      return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
    }
    current = current.cause;
  }
  return false;
}
