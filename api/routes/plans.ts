import { Router } from 'express';
import { z } from 'zod';
import { simulateInProcess } from '../../simulation/simulate-in-process';
import { SimulationError } from '../../simulation/simulation-error';
import { simulationResultSchema } from '../../simulation/simulation-result';
import { simulationScriptSchema } from '../../simulation/simulation-script';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { notFound, ProblemError } from '../problem';
import { parseRequest } from '../validate';

export const planParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });

export function plansRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/v1/plans', requireScope('read'), (_req, res) => {
    res.json({ plans: deps.plans.ids().map((id) => deps.plans.latest(id)) });
  });

  router.get('/v1/plans/:id', requireScope('read'), (req, res) => {
    const { id } = parseRequest(planParamsSchema, req, 'params');
    const plan = deps.plans.latest(id);
    if (plan === undefined) throw notFound(`No plan "${id}".`);
    res.json(plan);
  });

  /**
   * Runs the plan's engine in this process against a scripted lead and event
   * stream, over a virtual clock (milliseconds; no Temporal server, nothing
   * from devDependencies); answers with the decision timeline. Nothing is
   * sent and nothing is written.
   */
  router.post('/v1/plans/:id/simulate', requireScope('read'), (req, res) => {
    const { id } = parseRequest(planParamsSchema, req, 'params');
    const script = parseRequest(simulationScriptSchema, req, 'body');
    const plan = deps.plans.latest(id);
    if (plan === undefined) throw notFound(`No plan "${id}".`);
    try {
      res.json(simulationResultSchema.parse(simulateInProcess(plan, script)));
    } catch (error) {
      if (error instanceof SimulationError) {
        throw new ProblemError(422, 'simulation-refused', 'Simulation refused', error.message);
      }
      throw error;
    }
  });

  return router;
}
