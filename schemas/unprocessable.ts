import type { z } from 'zod';

/**
 * Marks a validation issue that a JSON Schema cannot state: the value has the
 * documented shape but names something this service cannot use (a phone
 * number no operator can have assigned, a time zone the runtime does not
 * know). A request whose only issues carry it is answered 422, one that
 * breaks the documented schema 400: the OpenAPI document can then promise
 * that every request it calls valid gets past the 400.
 */
export const UNPROCESSABLE = { unprocessable: true } as const;

export function isUnprocessable(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.unprocessable === true;
}
