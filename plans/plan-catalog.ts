import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planFileSchema, planSchema, type Plan, type PlanFileInput } from './plan-schema';
import { inlineTemplates, readTemplates, type PlanIssue, type TemplateText } from './plan-templates';
import { checkTemplates } from './template-checks';

export class PlanError extends Error {
  override readonly name = 'PlanError';

  /** What is wrong, by file and field; `file` is relative to the plans folder. */
  readonly issues: readonly PlanIssue[];

  constructor(message: string, issues: readonly PlanIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/**
 * The plans shipped in this folder, validated at load; an invalid plan stops
 * the process. A plan is its JSON file plus its template files
 * (plan-templates.ts), inlined here so the loaded plan carries its texts.
 */
export class PlanCatalog {
  private constructor(private readonly plans: ReadonlyMap<string, Plan>) {}

  static load(dir: string = __dirname): PlanCatalog {
    const plans = new Map<string, Plan>();
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const plan = loadPlan(dir, file);
      const existing = plans.get(plan.id);
      if (existing !== undefined && existing.version === plan.version) {
        throw new PlanError(`plan ${plan.id} v${String(plan.version)} is defined twice`);
      }
      // Several versions of one plan may sit side by side; enrollment takes the latest.
      if (existing === undefined || existing.version < plan.version) {
        plans.set(plan.id, plan);
      }
    }
    return new PlanCatalog(plans);
  }

  latest(id: string): Plan | undefined {
    return this.plans.get(id);
  }

  ids(): string[] {
    return [...this.plans.keys()].sort();
  }
}

function loadPlan(dir: string, file: string): Plan {
  const raw: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) {
    refuse(
      file,
      parsed.error.issues.map((i) => ({ file, field: i.path.join('.') || '(plan)', message: i.message })),
    );
  }
  // Checked just above: raw is a valid plan file, in its written (input) form.
  const written = raw as PlanFileInput;
  const { texts, issues } = readTemplates(dir, parsed.data);
  if (issues.length > 0) refuse(file, issues);

  const plan = planSchema.safeParse(inlineTemplates(written, texts));
  if (!plan.success) {
    refuse(
      file,
      plan.error.issues.map((i) => {
        const field = i.path.join('.') || '(plan)';
        return { file: fileOf(field, texts) ?? file, field, message: i.message };
      }),
    );
  }
  const checks = checkTemplates(plan.data, texts, { smsMaxSegments: parsed.data.sms.maxSegments });
  if (checks.length > 0) refuse(file, checks);
  return plan.data;
}

/** The template file a field of the loaded plan came from, if it came from one. */
function fileOf(field: string, texts: readonly TemplateText[]): string | undefined {
  return texts.find((t) => t.field === field)?.file;
}

function refuse(planFile: string, issues: readonly PlanIssue[]): never {
  const detail = issues
    .map((i) => (i.file === planFile ? `${i.field}: ${i.message}` : `${i.file} (${i.field}): ${i.message}`))
    .join('; ');
  throw new PlanError(`plan file ${planFile} is invalid: ${detail}`, issues);
}
