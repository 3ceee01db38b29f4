import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanFile, PlanFileInput, PlanInput } from './plan-schema';

/**
 * The texts a lead receives live in Liquid files beside the plan, one file
 * per step, channel and variant (product rule 7), in a folder per plan
 * version so a new version never edits the texts of one that running
 * nurtures started with:
 *
 *   plans/templates/<plan id>/v<version>/<step>.<channel>.<variant>.liquid
 *
 *   welcome.email.a.liquid     an email: a "Subject: …" line, a blank line, the body
 *   follow-up.sms.a.liquid     the high-intent SMS follow-up (sms.body)
 *   connect.linkedin.a.liquid  the rep's connection-request note (linkedin.connectionNote)
 *
 * Step and variant of the SMS and LinkedIn files are the ones the workflow
 * keys those touches with. The catalog inlines the files into the plan, so
 * the loaded plan keeps the shape workflow inputs (and recorded histories)
 * have always had.
 */
export const TEMPLATES_FOLDER = 'templates';

export type TemplateChannel = 'email' | 'sms' | 'linkedin';

/** One text of the loaded plan and where it came from. */
export interface TemplateText {
  channel: TemplateChannel;
  /** The field of the loaded plan it fills, e.g. "emailSteps.0.variants.1.subject". */
  field: string;
  /** Its file, relative to the plans folder: "templates/default/v2/welcome.email.a.liquid". */
  file: string;
  /** Lines of the file above the text, to turn Liquid's line numbers into the file's. */
  lineOffset: number;
  text: string;
}

/** Something wrong with a plan, named by file and field so its author can find it. */
export interface PlanIssue {
  file: string;
  field: string;
  message: string;
}

export const SMS_TEMPLATE = { step: 'follow-up', variant: 'a' } as const;
export const LINKEDIN_TEMPLATE = { step: 'connect', variant: 'a' } as const;

export function templateFileName(step: string, channel: TemplateChannel, variant: string): string {
  return `${step}.${channel}.${variant}.liquid`;
}

/** The template folder of a plan, relative to plans/templates/. */
export function templateFolderOf(plan: Pick<PlanFile, 'id' | 'version' | 'templates'>): string {
  return plan.templates ?? `${plan.id}/v${String(plan.version)}`;
}

/** The files a plan needs, each with the plan field(s) it fills. */
function expectedFiles(plan: PlanFile): { name: string; channel: TemplateChannel; field: string }[] {
  return [
    ...plan.emailSteps.flatMap((step, s) =>
      step.variants.map((variant, v) => ({
        name: templateFileName(step.id, 'email', variant.id),
        channel: 'email' as const,
        field: `emailSteps.${String(s)}.variants.${String(v)}`,
      })),
    ),
    {
      name: templateFileName(SMS_TEMPLATE.step, 'sms', SMS_TEMPLATE.variant),
      channel: 'sms',
      field: 'sms.body',
    },
    {
      name: templateFileName(LINKEDIN_TEMPLATE.step, 'linkedin', LINKEDIN_TEMPLATE.variant),
      channel: 'linkedin',
      field: 'linkedin.connectionNote',
    },
  ];
}

/**
 * A file's text as the template: line endings made LF (a Windows checkout
 * must not change what leads receive), a byte-order mark dropped, and the one
 * final line break editors add removed.
 */
export function templateText(content: string): string {
  return content
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n$/, '');
}

/** An email file: a "Subject: …" line, one blank line, then the body (the layout of a mail message). */
export function parseEmailTemplate(text: string): { subject: string; body: string } | null {
  const match = /^Subject: ?([^\n]*)\n\n([\s\S]*)$/.exec(text);
  if (match === null) return null;
  return { subject: match[1] ?? '', body: match[2] ?? '' };
}

/** Reads the plan's template files; every missing, malformed or unused file is an issue. */
export function readTemplates(
  plansDir: string,
  plan: PlanFile,
): { texts: TemplateText[]; issues: PlanIssue[] } {
  const folder = path.posix.join(TEMPLATES_FOLDER, templateFolderOf(plan));
  const dir = path.join(plansDir, ...folder.split('/'));
  if (!existsSync(dir)) {
    return {
      texts: [],
      issues: [{ file: `${folder}/`, field: 'templates', message: 'template folder not found' }],
    };
  }
  const texts: TemplateText[] = [];
  const issues: PlanIssue[] = [];
  const expected = expectedFiles(plan);
  for (const { name, channel, field } of expected) {
    const file = `${folder}/${name}`;
    const full = path.join(dir, name);
    if (!existsSync(full)) {
      issues.push({ file, field, message: 'template file not found' });
      continue;
    }
    const text = templateText(readFileSync(full, 'utf8'));
    if (channel !== 'email') {
      texts.push({ channel, field, file, lineOffset: 0, text });
      continue;
    }
    const email = parseEmailTemplate(text);
    if (email === null) {
      issues.push({
        file,
        field,
        message: 'an email template starts with a "Subject: …" line, then a blank line, then the body',
      });
      continue;
    }
    texts.push({ channel, field: `${field}.subject`, file, lineOffset: 0, text: email.subject });
    texts.push({ channel, field: `${field}.body`, file, lineOffset: 2, text: email.body });
  }
  // A file no step uses is most often a typo in a step or variant id, whose
  // real text then silently never goes out.
  const names = new Set(expected.map((e) => e.name));
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.liquid') && !names.has(name)) {
      issues.push({
        file: `${folder}/${name}`,
        field: 'templates',
        message: `not used by the plan: templates are named <step>.<channel>.<variant>.liquid after its steps and variants`,
      });
    }
  }
  return { texts, issues };
}

/**
 * The plan with its texts inlined: the file's fields, less those only the
 * checks at load use, plus each text in the field it fills.
 */
export function inlineTemplates(file: PlanFileInput, texts: readonly TemplateText[]): PlanInput {
  const byField = new Map(texts.map((t) => [t.field, t.text]));
  const text = (field: string): string => byField.get(field) ?? '';
  const { emailSteps, sms, ...rest } = file;
  delete rest.templates;
  return {
    ...rest,
    emailSteps: emailSteps.map((step, s) => ({
      ...step,
      variants: step.variants.map((variant, v) => ({
        id: variant.id,
        subject: text(`emailSteps.${String(s)}.variants.${String(v)}.subject`),
        body: text(`emailSteps.${String(s)}.variants.${String(v)}.body`),
      })),
    })),
    linkedin: { connectionNote: text('linkedin.connectionNote') },
    sms: { window: sms.window, body: text('sms.body'), relevance: sms.relevance },
  };
}
