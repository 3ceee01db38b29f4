import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../config/logger';
import { unavailableProblem } from './dependency-unavailable';
import { loggedPath } from './logged-path';
import { ProblemError } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The one place an error becomes an HTTP answer. Unknown errors are a bare 500 with a correlation id. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = String(res.locals.requestId ?? randomUUID());
    // The database or Temporal not answering is a 503 the client retries, not a bug.
    const unavailable = unavailableProblem(error);
    if (unavailable !== null) res.setHeader('retry-after', String(unavailable.retryAfterSeconds));
    const problem = unavailable ?? toProblem(error);
    if (problem.status >= 500) {
      logger.error(
        { err: error, requestId, method: req.method, path: loggedPath(req.path) },
        'request failed',
      );
    }
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .json({ ...problem.toBody(), instance: req.originalUrl.split('?')[0], requestId });
  };
}

interface HttpLikeError {
  status?: unknown;
  type?: unknown;
}

function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  // Errors raised by express.json() (body-parser) carry a status and a type.
  const http = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  if (http.type === 'entity.parse.failed') {
    return new ProblemError(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  if (http.type === 'entity.too.large') {
    return new ProblemError(
      413,
      'payload-too-large',
      'Payload too large',
      'The request body exceeds the limit.',
    );
  }
  // body-parser answers too many form fields with 413; the body is not too large, it is malformed.
  if (http.type === 'parameters.too.many') {
    return new ProblemError(
      400,
      'too-many-parameters',
      'Too many parameters',
      'The form body has more fields than this route reads.',
    );
  }
  if (typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
    return new ProblemError(http.status, 'bad-request', 'Bad request');
  }
  return new ProblemError(
    500,
    'internal-error',
    'Internal server error',
    'See the server log for this requestId.',
  );
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new ProblemError(404, 'not-found', 'Not found', `No route for ${req.method} ${req.path}.`);
};
