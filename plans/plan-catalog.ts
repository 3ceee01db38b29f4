import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planSchema, type Plan } from './plan-schema';

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/** The plans shipped in this folder, validated at load; an invalid plan stops the process. */
export class PlanCatalog {
  private constructor(private readonly plans: ReadonlyMap<string, Plan>) {}

  static load(dir: string = __dirname): PlanCatalog {
    const plans = new Map<string, Plan>();
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const raw: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      const parsed = planSchema.safeParse(raw);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`)
          .join('; ');
        throw new PlanError(`plan file ${file} is invalid: ${detail}`);
      }
      const existing = plans.get(parsed.data.id);
      if (existing !== undefined && existing.version === parsed.data.version) {
        throw new PlanError(`plan ${parsed.data.id} v${parsed.data.version} is defined twice`);
      }
      // Several versions of one plan may sit side by side; enrollment takes the latest.
      if (existing === undefined || existing.version < parsed.data.version) {
        plans.set(parsed.data.id, parsed.data);
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
