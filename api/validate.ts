import type { Request } from 'express';
import type { z } from 'zod';
import { validationProblem } from './problem';

/** Parses one part of a request with its schema; a failure becomes a 400 problem. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  req: Request,
  where: 'body' | 'params' | 'query',
): z.output<S> {
  const result = schema.safeParse(req[where]);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
}
