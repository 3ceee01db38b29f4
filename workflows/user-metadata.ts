import type { Plan } from '../plans/plan-schema';
import type { DecisionOutcome, NurtureCommand, RuleName } from './engine/commands';
import type { LeadArm, LeadProfile, NurtureState } from './engine/state';
import { isActive } from './engine/status';
import type { Channel } from './rules/channels';
import { localDateTime } from './rules/local-time';
import { decayedScore } from './rules/scoring';

/*
 * What the Temporal Web UI shows on a nurture's page: a one-line summary set
 * at start (user metadata) and the current details the workflow keeps up to
 * date. Temporal stores both in clear and codecs do not cover them, so they
 * are built only from ids, plan data and closed vocabularies (statuses, rule
 * names, outcomes), never from free text: decision reasons, pause details and
 * hand-off reasons can carry a rep's note or a suppression reason typed by a
 * person, which may name the lead or quote a phone number.
 */

/** How many decisions the details list: enough to read the trail, short enough for a glance. */
export const RECENT_DECISIONS_SHOWN = 5;

/** A decision as the details show it: what happened, never why in free words. */
export interface RecentDecision {
  at: number;
  rule: RuleName;
  outcome: DecisionOutcome;
  channel: Channel | null;
}

export interface SummarySource {
  leadId: string;
  plan: Pick<Plan, 'id' | 'version'>;
  profile: Pick<LeadProfile, 'ownerId' | 'timezone'>;
  arm?: Pick<LeadArm, 'id'> | undefined;
}

/** "lead crm-1001 · plan default v2 · owner rep-7 · arm full": the list's and the page's one line. */
export function staticSummaryOf(source: SummarySource): string {
  return [
    `lead ${source.leadId}`,
    `plan ${source.plan.id} v${String(source.plan.version)}`,
    `owner ${source.profile.ownerId ?? 'none'}`,
    `arm ${source.arm?.id ?? 'none'}`,
  ].join(' · ');
}

/** Fixed facts of the run that explain the times in the current details. */
export function staticDetailsOf(source: SummarySource): string {
  return [
    `Times below are the lead's local time (${source.profile.timezone}).`,
    'Readable state: query `nurtureState`; everything, for debugging: `debugFullState`.',
  ].join('\n');
}

/**
 * The current details, in Temporal markdown: status and score, what the
 * nurture waits for and until when in the lead's local time, and the last
 * decisions, newest first.
 */
export function currentDetailsOf(
  state: NurtureState,
  recent: readonly RecentDecision[],
  now: number,
): string {
  const zone = state.profile.timezone;
  const score = Math.round(decayedScore(state.score.score, state.score.at, now, state.plan.scoring.halfLife));
  const waiting = waitingFor(state);
  const lines = [
    `**Status** ${state.status} · **score** ${String(score)}`,
    `**Waiting for** ${waiting.what}${waiting.until === null ? '' : `, until ${localStamp(waiting.until, zone)}`}`,
    '**Last decisions**',
  ];
  const shown = recent.slice(-RECENT_DECISIONS_SHOWN).reverse();
  if (shown.length === 0) lines.push('- none yet');
  for (const d of shown) lines.push(`- ${localStamp(d.at, zone)} · ${decisionInWords(d)}`);
  return lines.join('\n');
}

/** Keeps the newest decisions only: the workflow holds no more than the details show. */
/** The decisions one step recorded, as the details list them. */
export function recentDecisionsOf(commands: readonly NurtureCommand[], at: number): RecentDecision[] {
  return commands.flatMap((c) =>
    c.type === 'record-decision'
      ? [{ at, rule: c.decision.rule, outcome: c.decision.outcome, channel: c.decision.channel ?? null }]
      : [],
  );
}

export function withRecent(
  recent: readonly RecentDecision[],
  added: readonly RecentDecision[],
): RecentDecision[] {
  return [...recent, ...added].slice(-RECENT_DECISIONS_SHOWN);
}

/** "2026-12-07 09:00 Mon": the date too, since waits span days. */
export function localStamp(instantMs: number, timeZone: string): string {
  const t = localDateTime(instantMs, timeZone);
  const two = (n: number): string => String(n).padStart(2, '0');
  const weekday = WEEKDAYS[t.weekday - 1] ?? '';
  return `${String(t.year)}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)} ${weekday}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** "coordination: email sent", "timing: sms deferred"; "retargeting: moved", not "retargeting: retargeting moved". */
function decisionInWords(d: RecentDecision): string {
  const channel = d.channel === null || d.channel === d.rule ? '' : `${d.channel} `;
  return `${d.rule}: ${channel}${d.outcome}`;
}

/**
 * The nurture's next move in words, and when that wait ends by itself: the
 * deadline of that one thing, not the earliest timer (the disengagement check
 * would read as if the open window ended in 14 days). The pause's reason, not
 * its free-text detail.
 */
function waitingFor(state: NurtureState): { what: string; until: number | null } {
  if (!isActive(state) || state.phase === 'finished')
    return { what: `nothing (nurture ${state.status})`, until: null };
  if (state.handoff?.status === 'open')
    return { what: 'sales to acknowledge the hand-off (SLA)', until: state.handoff.slaDueAt };
  if (state.pause !== null) {
    const what = PAUSE_WORDS[state.pause.reason];
    return state.pause.until === null
      ? { what: `sales to resume (${what})`, until: null }
      : { what: `end of the ${what}`, until: state.pause.until };
  }
  if (state.pendingSms !== null) return { what: 'the SMS send window', until: state.pendingSms.dueAt };
  const step = state.plan.emailSteps[state.stepIndex]?.id ?? '?';
  if (state.phase === 'awaiting-open') return { what: `an open of email "${step}"`, until: state.dueAt };
  return state.dueAt === null
    ? { what: `the send of email "${step}" to finish`, until: null }
    : { what: `time to send email "${step}"`, until: state.dueAt };
}

const PAUSE_WORDS: Record<NonNullable<NurtureState['pause']>['reason'], string> = {
  handoff: 'hand-off pause',
  account: 'account pause',
  'auto-reply': 'auto-reply pause',
};
