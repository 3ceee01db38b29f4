import { Liquid, type LiquidOptions } from 'liquidjs';

/** The lead fields every template may use; the send activities fill them from the lead record. */
export const LEAD_TEMPLATE_FIELDS = ['firstName', 'lastName', 'company', 'ownerName'] as const;
export type LeadTemplateField = (typeof LEAD_TEMPLATE_FIELDS)[number];

export type TemplateContext = Record<LeadTemplateField, string | null> & { [extra: string]: string | null };

/**
 * One Liquid dialect for sending and for the checks at plan load, so a
 * template that passed the checks renders the same way when it goes out.
 * Unknown filters fail to parse; only the context's own properties are
 * visible (no prototype lookups).
 */
const DIALECT: LiquidOptions = { strictFilters: true, ownPropertyOnly: true };

/**
 * At send time an unknown variable renders empty instead of throwing: the
 * activity would retry a throw for ever, and the plan's templates were
 * already rendered strictly when the plan was loaded (a nurture keeps the
 * plan it started with, so that check covers every plan that can reach here).
 */
const sendEngine = new Liquid(DIALECT);

/**
 * Missing values are null, whatever the record holds: an empty or blank
 * field is as missing as an absent one. A null renders as nothing, is falsy
 * in `{% if %}`, and takes a template's `| default: '…'`, which is how an
 * author writes "Hi there" for a lead without a first name (the checks at
 * load refuse an output with no such fallback).
 */
export function normaliseContext(context: TemplateContext): TemplateContext {
  const out: TemplateContext = { firstName: null, lastName: null, company: null, ownerName: null };
  for (const [key, value] of Object.entries(context)) {
    const trimmed = value?.trim() ?? '';
    out[key] = trimmed === '' ? null : trimmed;
  }
  return out;
}

/** Renders a plan template with the lead's fields (Liquid syntax: `{{ firstName | default: 'there' }}`). */
export async function renderTemplate(template: string, context: TemplateContext): Promise<string> {
  return (await sendEngine.parseAndRender(template, normaliseContext(context))) as string;
}

export interface StrictRendering {
  text: string;
  /** How many `{{ … }}` outputs printed nothing (null, empty or blank after their filters). */
  emptyOutputs: number;
}

/**
 * The load-time rendering: the same dialect with undefined variables as
 * errors (Liquid's `strictVariables`), counting the outputs that printed
 * nothing so the caller can tell which missing lead field leaves a hole.
 * Throws Liquid's error (with line and column) for a syntax error, an unknown
 * filter or an unknown variable.
 */
export function renderTemplateStrict(template: string, context: TemplateContext): StrictRendering {
  emptyOutputs = 0;
  const text = checkEngine.parseAndRenderSync(template, normaliseContext(context)) as string;
  return { text, emptyOutputs };
}

/** Outputs that printed nothing in the current strict rendering (rendering is synchronous: one at a time). */
let emptyOutputs = 0;

const checkEngine = new Liquid({
  ...DIALECT,
  strictVariables: true,
  // Liquid applies outputEscape to each output's final value, after the
  // template's own filters (`default` included): the place to see a hole.
  outputEscape: (value: unknown) => {
    const text = printed(value);
    if (text.trim() === '') emptyOutputs += 1;
    return text;
  },
});

/** What Liquid prints for a value: nil prints nothing, an array its items run together. */
function printed(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(printed).join('');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  // No object reaches a template here (contexts hold strings and nulls); print one visibly rather than as a hole.
  return typeof value === 'object' ? JSON.stringify(value) : typeof value;
}
