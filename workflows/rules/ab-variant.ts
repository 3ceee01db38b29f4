import type { EmailStep } from '../../plans/plan-schema';

/**
 * A/B assignment: each lead gets one variant per step, the same on every
 * replay and retry, without storing it: FNV-1a of the lead and step ids.
 */
export function variantFor(leadId: string, step: EmailStep): EmailStep['variants'][number] {
  let hash = 0x811c9dc5;
  for (const char of `${leadId}:${step.id}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const variant = step.variants[hash % step.variants.length] ?? step.variants[0];
  if (variant === undefined) throw new Error(`step ${step.id} has no variants`);
  return variant;
}
