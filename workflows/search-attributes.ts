import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, registered on the dev server by `npm start` and
 * needed on any cluster (see README). They let ops find runs in the Web UI and
 * with `temporal workflow list --query 'LeadStatus="high-intent" AND LeadScore > 20'`.
 * No personal data here: Temporal stores search attributes in clear.
 */
export const LEAD_STATUS = defineSearchAttributeKey('LeadStatus', SearchAttributeType.KEYWORD);
export const LEAD_SCORE = defineSearchAttributeKey('LeadScore', SearchAttributeType.INT);
export const OWNER_ID = defineSearchAttributeKey('OwnerId', SearchAttributeType.KEYWORD);
export const PLAN_ID = defineSearchAttributeKey('PlanId', SearchAttributeType.KEYWORD);
export const NEXT_ACTION_AT = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);

/** The lead's experiment arm (`full`, `email-only`, `control`, `global-control`…); unset without one. */
export const LEAD_ARM = defineSearchAttributeKey('LeadArm', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  LEAD_STATUS,
  LEAD_SCORE,
  OWNER_ID,
  PLAN_ID,
  NEXT_ACTION_AT,
  LEAD_ARM,
] as const;
