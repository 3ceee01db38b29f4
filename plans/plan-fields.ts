import ms from 'ms';
import { z } from 'zod';

/**
 * Field types that several plan schemas share (the plan in plan-schema.ts,
 * its experiment in experiment-schema.ts). They live apart so those two can
 * import them without importing each other.
 */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'must be a duration such as "30s", "48h" or "3d"')
  .transform((text) => ms(text as ms.StringValue));

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug');

/** Refuses every id seen earlier in the list, at `<path>.<index>.id` ("duplicate step id …"). */
export function refuseDuplicateIds<T>(
  items: readonly { id: string }[],
  path: string,
  noun: string,
  ctx: z.RefinementCtx<T>,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      ctx.addIssue({
        code: 'custom',
        path: [path, index, 'id'],
        message: `duplicate ${noun} id "${item.id}"`,
      });
    }
    seen.add(item.id);
  });
}
