import {
  LEAD_TEMPLATE_FIELDS,
  renderTemplateStrict,
  type LeadTemplateField,
  type StrictRendering,
  type TemplateContext,
} from '../activities/render-template';
import { readLeadEvent, type LeadEvent } from '../workflows/lead-event';
import { highIntentTrigger } from '../workflows/rules/intent';
import { REPEAT_THRESHOLDS, repetition } from './content-similarity';
import type { Plan } from './plan-schema';
import type { PlanIssue, TemplateChannel, TemplateText } from './plan-templates';
import { measureSms, SEGMENT_LIMITS } from './sms-segments';

/**
 * The checks a plan's texts pass at load, so that a mistake stops the
 * process that loads the plan rather than reaching a lead: every template
 * renders in strict Liquid with exactly the variables its channel gets, no
 * output leaves a hole for a lead without a name, the SMS fits its segments
 * with long names, the LinkedIn note fits LinkedIn's limit, and no SMS or
 * LinkedIn text repeats an email (product rule 7).
 */

/**
 * Variables a channel's template gets besides the lead fields: what the
 * workflow's decide.ts puts in a send command's `vars` (`{}` for email,
 * `{ intent }` for the SMS follow-up); LinkedIn notes are rendered by
 * apply-effects with the lead fields alone.
 */
export const CHANNEL_VARIABLES = {
  email: [],
  sms: ['intent'],
  linkedin: [],
} as const satisfies Record<TemplateChannel, readonly string[]>;

type LeadSample = Record<LeadTemplateField, string>;

/** An ordinary lead, for the renderings that are compared with each other. */
export const TYPICAL_LEAD: LeadSample = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines',
  ownerName: 'rep-7',
};

/**
 * A lead with long but real values (the owner is an id, as send-touch passes
 * it), for the length checks. Not the API's maxima: no text fits those, and a
 * lead like this is common enough that every SMS must fit for them.
 */
export const LONG_LEAD: LeadSample = {
  firstName: 'Maximilian-Alexander',
  lastName: 'Featherstonehaugh-Whitfield',
  company: 'Northwestern Regional Healthcare Partners',
  ownerName: 'alexandra.montgomery-whitfield',
};

/** LinkedIn's limit for a connection-request note, in characters (UTF-16 units, as a browser's maxlength counts). */
export const LINKEDIN_NOTE_MAX = 300;

/** Options of the plan file that only these checks use. */
export interface TemplateCheckOptions {
  smsMaxSegments: number;
}

export function checkTemplates(
  plan: Plan,
  texts: readonly TemplateText[],
  options: TemplateCheckOptions,
): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const intents = possibleIntents(plan);
  const typical = new Map<TemplateText, string>();
  for (const text of texts) {
    const issue = (message: string): void => {
      issues.push({ file: text.file, field: text.field, message });
    };
    const vars = Object.fromEntries(CHANNEL_VARIABLES[text.channel].map((name) => [name, intents[0] ?? '']));
    const rendered = attempt(text, { ...TYPICAL_LEAD, ...vars });
    if (typeof rendered === 'string') {
      issue(rendered);
      continue;
    }
    typical.set(text, rendered.text);
    if (rendered.text.trim() === '') issue('renders to nothing');
    for (const hole of holes(text, { ...TYPICAL_LEAD, ...vars }, rendered)) issue(hole);
    if (text.channel === 'sms') {
      const problem = smsLengthProblem(text, intents, options.smsMaxSegments);
      if (problem !== null) issue(problem);
    }
    if (text.channel === 'linkedin') {
      const long = attempt(text, { ...LONG_LEAD });
      const longLength = typeof long === 'string' ? 0 : long.text.length;
      if (typeof long === 'string') issue(`fails for a lead with long names: ${long}`);
      else if (longLength > LINKEDIN_NOTE_MAX) {
        issue(
          `renders to ${String(longLength)} characters for a lead with long names; LinkedIn takes ${String(LINKEDIN_NOTE_MAX)}`,
        );
      }
    }
  }
  issues.push(...repetitions(texts, typical));
  return issues;
}

/** A strict rendering, or Liquid's message with its line counted in the file. */
function attempt(text: TemplateText, context: TemplateContext): StrictRendering | string {
  try {
    return renderTemplateStrict(text.text, context);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return message.replace(
      /line:(\d+)/,
      (_, line: string) => `line:${String(Number(line) + text.lineOffset)}`,
    );
  }
}

/**
 * Why the text does not read whole for a lead without some field, one reason
 * per such field. One rendering without any of them first: most texts pass
 * it, and only a failing one is rendered field by field to name the culprit.
 */
function holes(text: TemplateText, context: TemplateContext, full: StrictRendering): string[] {
  const missing = (fields: readonly LeadTemplateField[]): StrictRendering | string =>
    attempt(text, { ...context, ...Object.fromEntries(fields.map((field) => [field, null])) });
  const none = missing(LEAD_TEMPLATE_FIELDS);
  if (typeof none !== 'string' && none.emptyOutputs <= full.emptyOutputs) return [];
  return LEAD_TEMPLATE_FIELDS.flatMap((field) => {
    const without = missing([field]);
    if (typeof without === 'string') return [`fails for a lead without ${field}: ${without}`];
    if (without.emptyOutputs <= full.emptyOutputs) return [];
    return [
      `prints nothing for a lead without ${field}: give the output a fallback, e.g. {{ ${field} | default: '…' }}`,
    ];
  });
}

/** Every intent the SMS can be sent for: the plan's pages, events and repeated clicks, as the workflow words them. */
export function possibleIntents(plan: Plan): string[] {
  const event = (type: LeadEvent['type'], data: Record<string, unknown>): LeadEvent =>
    readLeadEvent({ id: 'template-check', type, occurredAt: '2026-01-01T00:00:00.000Z', data });
  const clicks = Math.max(99, plan.highIntent.repeatedClicks);
  return [
    ...plan.highIntent.pages.map((page) =>
      highIntentTrigger(event('web.page_visited', { path: page }), plan, 0),
    ),
    ...plan.highIntent.events.map((type) => highIntentTrigger(event(type, {}), plan, 0)),
    highIntentTrigger(event('email.clicked', {}), plan, clicks),
  ].filter((trigger) => trigger !== null);
}

/** Renders the SMS for a long-named lead with each intent; null when every rendering fits. */
function smsLengthProblem(
  text: TemplateText,
  intents: readonly string[],
  maxSegments: number,
): string | null {
  let worst: { intent: string; measure: ReturnType<typeof measureSms> } | null = null;
  for (const intent of intents.length === 0 ? [''] : intents) {
    const rendered = attempt(text, { ...LONG_LEAD, intent });
    if (typeof rendered === 'string') return `fails for a lead with long names: ${rendered}`;
    const measure = measureSms(rendered.text);
    if (worst === null || measure.units > worst.measure.units) worst = { intent, measure };
  }
  if (worst === null || worst.measure.segments <= maxSegments) return null;
  const { encoding, units, segments, nonGsmCharacters } = worst.measure;
  const unit = encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
  const why =
    nonGsmCharacters.length === 0
      ? ''
      : `; it is UCS-2 because of ${nonGsmCharacters
          .map((c) => `"${c}" (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
          .join(', ')}, outside GSM-7`;
  return (
    `needs ${String(segments)} SMS segments (${encoding}, ${String(units)} ${unit}; one segment holds ` +
    `${String(SEGMENT_LIMITS[encoding].single)}) for a lead with long names and intent "${worst.intent}"${why}; ` +
    `sms.maxSegments allows ${String(maxSegments)}`
  );
}

/** Each SMS and LinkedIn text against each email subject and body, as rendered for the same lead. */
function repetitions(
  texts: readonly TemplateText[],
  rendered: ReadonlyMap<TemplateText, string>,
): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const emails = texts.filter((t) => t.channel === 'email');
  for (const text of texts.filter((t) => t.channel !== 'email')) {
    const own = rendered.get(text);
    if (own === undefined) continue;
    for (const email of emails) {
      const reference = rendered.get(email);
      if (reference === undefined) continue;
      const found = repetition(own, reference);
      if (found === null) continue;
      const share = Math.round(found.containment * 100);
      issues.push({
        file: text.file,
        field: text.field,
        message:
          `repeats ${email.field} (${email.file}): ${String(share)}% of its phrases appear there, ` +
          `${String(found.longestRun)} words in a row are the same (refused from ` +
          `${String(Math.round(REPEAT_THRESHOLDS.containment * 100))}% or ${String(REPEAT_THRESHOLDS.longestRun)} words); ` +
          `each channel takes its own angle on the step's theme`,
      });
    }
  }
  return issues;
}
