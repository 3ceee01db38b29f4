import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlanCatalog, PlanError } from '../../plans/plan-catalog';
import type { PlanFileInput } from '../../plans/plan-schema';
import type { PlanIssue } from '../../plans/plan-templates';

/** Builders for plan folders on disk: a plan file and its template files, in a fresh temp folder. */

export const SHIPPED_DIR = path.join(__dirname, '../../plans');

/** The shipped default plan's file, as written. */
export const shippedFile = JSON.parse(
  readFileSync(path.join(SHIPPED_DIR, 'default.json'), 'utf8'),
) as PlanFileInput;

/** The shipped default plan's templates, by file name. */
export const shippedTemplates: Readonly<Record<string, string>> = Object.fromEntries(
  readdirSync(path.join(SHIPPED_DIR, 'templates/default/v2')).map((name) => [
    name,
    readFileSync(path.join(SHIPPED_DIR, 'templates/default/v2', name), 'utf8'),
  ]),
);

/** The shipped default plan as plan "p" v1, with copies of its templates under templates/p/v1. */
export const base: PlanFileInput = { ...shippedFile, id: 'p', version: 1, name: 'P' };

export interface PlanOnDisk {
  plan: unknown;
  /** Template files of templates/<id>/v<version>: the shipped ones, replaced or (null) removed by these. */
  templates?: Record<string, string | null>;
  /** Where the templates go when not in the plan's own folder, e.g. "shared/v1". */
  folder?: string;
}

/** A plans folder holding these plans (plan-0.json, plan-1.json…) and their templates. */
export function plansFolder(...plans: PlanOnDisk[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plans-'));
  plans.forEach(({ plan, templates = {}, folder }, i) => {
    writeFileSync(path.join(dir, `plan-${String(i)}.json`), JSON.stringify(plan));
    const { id, version } = plan as { id?: unknown; version?: unknown };
    const target = path.join(dir, 'templates', folder ?? `${String(id)}/v${String(version)}`);
    mkdirSync(target, { recursive: true });
    for (const [name, text] of Object.entries({ ...shippedTemplates, ...templates })) {
      if (text !== null) writeFileSync(path.join(target, name), text);
    }
  });
  return dir;
}

export function catalogOf(...plans: PlanOnDisk[]): PlanCatalog {
  return PlanCatalog.load(plansFolder(...plans));
}

/** The base plan with some of its template files replaced. */
export function withTemplates(templates: Record<string, string | null>): PlanOnDisk {
  return { plan: base, templates };
}

/** The issues of the PlanError that loading these plans throws (fails the test if it loads). */
export function issuesOf(...plans: PlanOnDisk[]): readonly PlanIssue[] {
  try {
    catalogOf(...plans);
  } catch (error) {
    if (error instanceof PlanError) return error.issues;
    throw error;
  }
  throw new Error('the plan loaded');
}

/** The message of the PlanError that loading these plans throws. */
export function messageOf(...plans: PlanOnDisk[]): string {
  try {
    catalogOf(...plans);
  } catch (error) {
    if (error instanceof PlanError) return error.message;
    throw error;
  }
  throw new Error('the plan loaded');
}
