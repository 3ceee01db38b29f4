import type { Request } from 'express';
import type { z } from 'zod';
import { issuesOf, ProblemError, validationProblem } from './problem';
import { isUnprocessable } from '../schemas/unprocessable';

/**
 * Parses one part of a request with its schema. A request that breaks the
 * documented schema is a 400 problem; one whose only issues are values of the
 * right shape that the service cannot use (see schemas/unprocessable.ts) is a
 * 422 with the same issue list.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  req: Request,
  where: 'body' | 'params' | 'query',
): z.output<S> {
  const result = schema.safeParse(req[where]);
  if (result.success) return result.data;
  if (result.error.issues.every(isUnprocessable)) {
    throw new ProblemError(
      422,
      'unprocessable-content',
      'Unprocessable content',
      `The request ${where} has the documented shape but names something this service cannot use; see issues.`,
      issuesOf(result.error, [where]),
    );
  }
  throw validationProblem(result.error, where);
}
