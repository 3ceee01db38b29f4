import { Router } from 'express';
import { experimentReportSchema } from '../../experiments/report/experiment-report-schema';
import { buildExperimentReport } from '../../experiments/report/experiment-report';
import { planExperimentCounts } from '../../experiments/report/plan-experiment-counts';
import { belongsTo, plannedArms } from '../../experiments/report/planned-arms';
import { conversionsOf, type Experiment } from '../../plans/experiment-schema';
import type { Plan } from '../../plans/plan-schema';
import {
  armCounts,
  armLeadCounts,
  variantCounts,
  type ConversionRule,
} from '../../prisma/repositories/experiment-counts-repository';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { notFound, ProblemError } from '../problem';
import {
  experimentListSchema,
  experimentParamsSchema,
  experimentReportQuerySchema,
  type ExperimentSummary,
} from '../schemas/experiment-schemas';
import { parseRequest } from '../validate';

/**
 * The experiments of the plans: which plans split their leads into arms,
 * and each one's report. The numbers come from the pure report builder
 * (experiments/report) over counts aggregated in SQL, so the API, the
 * simulator and the tests agree on every figure.
 */
export function experimentsRouter(deps: Pick<AppDeps, 'prisma' | 'plans' | 'globalControlShare'>): Router {
  const router = Router();
  const globalControlShare = deps.globalControlShare ?? 0;

  function withExperiments(): { plan: Plan; experiment: Experiment }[] {
    return deps.plans.ids().flatMap((id) => {
      const plan = deps.plans.latest(id);
      return plan?.experiment === undefined ? [] : [{ plan, experiment: plan.experiment }];
    });
  }

  router.get('/v1/experiments', requireScope('read'), async (_req, res) => {
    const listed = withExperiments();
    const rows = await armLeadCounts(
      deps.prisma,
      listed.map(({ plan }) => plan.id),
    );
    const items = listed.map(({ plan, experiment }): ExperimentSummary => {
      const arms = plannedArms(experiment, globalControlShare).map((arm) => ({
        ...arm,
        leads: rows
          .filter((row) => row.planId === plan.id && belongsTo(row, arm, experiment))
          .reduce((sum, row) => sum + row.leads, 0),
      }));
      const rule = conversionsOf(plan);
      return {
        planId: plan.id,
        experimentId: experiment.id,
        leads: arms.reduce((sum, arm) => sum + arm.leads, 0),
        arms,
        conversions: { goals: [...rule.goals], windowMs: rule.window },
      };
    });
    res.json(experimentListSchema.parse({ items }));
  });

  router.get('/v1/experiments/:planId', requireScope('read'), async (req, res) => {
    const { planId } = parseRequest(experimentParamsSchema, req, 'params');
    const { goal } = parseRequest(experimentReportQuerySchema, req, 'query');
    const plan = deps.plans.latest(planId);
    if (plan === undefined) throw notFound(`No plan "${planId}".`);
    // 404, not 409: the report is a resource that does not exist for this plan; nothing the caller
    // could resolve by retrying, and a distinct type tells it apart from an unknown plan.
    if (plan.experiment === undefined) {
      throw new ProblemError(
        404,
        'no-experiment',
        'No experiment',
        `Plan "${planId}" declares no experiment, so it has no report.`,
      );
    }
    const rule = conversionsOf(plan);
    if (goal !== undefined && !rule.goals.includes(goal)) {
      throw new ProblemError(
        422,
        'unprocessable-content',
        'Unprocessable content',
        `Plan "${planId}" counts ${rule.goals.join(', ')} as conversions; see issues.`,
        [{ path: ['query', 'goal'], code: 'custom', message: "is not one of the plan's goals" }],
      );
    }
    const counting: ConversionRule = { goals: goal === undefined ? rule.goals : [goal], window: rule.window };
    // One after the other: PGlite serves one statement at a time anyway (docs: Embedded PostgreSQL).
    const arms = await armCounts(deps.prisma, plan.id, counting);
    const variants = await variantCounts(deps.prisma, plan.id, counting);
    const counts = planExperimentCounts(plan, plan.experiment, { arms, variants }, globalControlShare);
    res.json(experimentReportSchema.parse(buildExperimentReport(counts)));
  });

  return router;
}
