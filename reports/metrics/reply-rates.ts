import { z } from 'zod';
import { rateOf, rateSchema } from './rate';

/**
 * How a reply is tied to a step: the plan step that reached the lead, or the
 * step of the last touch the lead had before replying (which credits the
 * touch that prompted the answer, whichever step it belonged to).
 */
export const REPLY_GROUPINGS = ['plan-step', 'last-touch-step'] as const;

export const replyRateRowSchema = z.strictObject({
  grouping: z.enum(REPLY_GROUPINGS),
  step: z.string().min(1),
  /** Leads who replied at all, over the step's recipients: beside the next, so the cleaning is visible. */
  replyRate: rateSchema,
  /** Leads with a reply that is not an auto-reply (out-of-office, autoresponder), over the step's recipients. */
  meaningfulReplyRate: rateSchema,
  /** Leads who booked a meeting, over the step's recipients. */
  meetingSetRate: rateSchema,
});
export type ReplyRateRow = z.infer<typeof replyRateRowSchema>;

export interface ReplyCounts {
  grouping: ReplyRateRow['grouping'];
  step: string;
  /** Distinct leads the step reached. */
  recipients: number;
  /** Of them, leads who replied at all. */
  repliers: number;
  /** Of the repliers, leads whose every reply was an auto-reply (workflows/rules/auto-reply.ts). */
  autoReplyOnly: number;
  /** Of the recipients, leads who booked a meeting. */
  meetingsSet: number;
}

export function replyRates(counts: ReplyCounts): ReplyRateRow {
  // Checked as a rate so a count above its whole is refused like every other.
  rateOf(counts.autoReplyOnly, counts.repliers);
  return {
    grouping: counts.grouping,
    step: counts.step,
    replyRate: rateOf(counts.repliers, counts.recipients),
    meaningfulReplyRate: rateOf(counts.repliers - counts.autoReplyOnly, counts.recipients),
    meetingSetRate: rateOf(counts.meetingsSet, counts.recipients),
  };
}
