import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, registered on the dev server by `npm start` and
 * needed on any cluster (see README). They let ops find runs in the Web UI:
 * `LeadStatus = "engaged" AND NurturePlan = "default"`. No personal data here:
 * Temporal stores search attributes in clear.
 */
export const LEAD_STATUS = defineSearchAttributeKey('LeadStatus', SearchAttributeType.KEYWORD);
export const NURTURE_PLAN = defineSearchAttributeKey('NurturePlan', SearchAttributeType.KEYWORD);
export const LEAD_OWNER = defineSearchAttributeKey('LeadOwner', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [LEAD_STATUS, NURTURE_PLAN, LEAD_OWNER] as const;
