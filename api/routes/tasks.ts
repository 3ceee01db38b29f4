import { Router } from 'express';
import { z } from 'zod';
import {
  completeTask,
  listTasksForOwner,
  skipTask,
  TASK_STATUSES,
  type TaskWithLead,
} from '../../prisma/repositories/linkedin-task-repository';
import type { LeadEventType } from '../../workflows/lead-event';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { deliverOrLeave } from '../inbox/event-inbox';
import { notFound, ProblemError } from '../problem';
import { parseRequest } from '../validate';

/** The inbox source of completions: with the task key it makes the event id stable across retries. */
export const TASKS_EVENT_SOURCE = 'tasks';

/**
 * What the rep reports when completing a task, and the canonical lead event it
 * becomes: `sent` is the rep's own act (recorded, never scored); `accepted`
 * and `replied` are the lead's answers.
 */
export const TASK_OUTCOMES = ['sent', 'accepted', 'replied'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

const OUTCOME_EVENT_TYPE = {
  sent: 'linkedin.request_sent',
  accepted: 'linkedin.connection_accepted',
  replied: 'linkedin.replied',
} as const satisfies Record<TaskOutcome, LeadEventType>;

const by = z.string().min(1).max(128);
// Task keys are touch keys (workflow id, plan version, step, channel, variant).
export const taskParamsSchema = z.strictObject({ id: z.string().min(1).max(300) });
export const repParamsSchema = z.strictObject({ repId: z.string().min(1).max(128) });

export const taskListQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const completeTaskSchema = z.strictObject({
  by,
  outcome: z.enum(TASK_OUTCOMES).default('sent'),
});

export const skipTaskSchema = z.strictObject({ by, reason: z.string().min(1).max(500) });

/** The stored completion event's data, read back to answer a repeat. */
const completionDataSchema = z.object({ outcome: z.enum(TASK_OUTCOMES) });

export const taskViewSchema = z.object({
  id: z.string(),
  leadId: z.string(),
  leadName: z.string().nullable(),
  company: z.string().nullable(),
  ownerId: z.string(),
  kind: z.string(),
  /** The exact text the rep sends, rendered for this lead. */
  text: z.string(),
  status: z.enum(TASK_STATUSES),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

export const taskListSchema = z.object({
  repId: z.string(),
  status: z.enum(TASK_STATUSES),
  items: z.array(taskViewSchema),
});

export const taskCompletedSchema = z.object({
  task: taskViewSchema,
  outcome: z.enum(TASK_OUTCOMES),
  event: z.object({ id: z.string(), type: z.string() }),
});

export const taskSkippedSchema = z.object({ task: taskViewSchema });

/** The wire shape of a task; the output schemas check it (a status outside the list is a 500, not a leak). */
function view(task: TaskWithLead) {
  const name = [task.lead.firstName, task.lead.lastName].filter((part) => part !== null).join(' ');
  return {
    id: task.key,
    leadId: task.leadId,
    leadName: name === '' ? null : name,
    company: task.lead.company,
    ownerId: task.ownerId,
    kind: task.kind,
    text: task.note,
    status: task.status,
    createdAt: task.createdAt.toISOString(),
    closedAt: task.closedAt?.toISOString() ?? null,
    reason: task.reason,
  };
}

function taskClosed(task: TaskWithLead, detail: string): ProblemError {
  return new ProblemError(409, 'task-closed', 'Task closed', `Task "${task.key}" ${detail}.`);
}

/**
 * LinkedIn touches are tasks for the named rep. The rep lists them, then
 * completes (which reaches the nurture as a lead event) or skips them.
 * Lead names are shown because the rep needs them to act; the endpoints need a key.
 */
export function tasksRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/v1/reps/:repId/tasks', requireScope('read'), async (req, res) => {
    const { repId } = parseRequest(repParamsSchema, req, 'params');
    const query = parseRequest(taskListQuerySchema, req, 'query');
    const tasks = await listTasksForOwner(deps.prisma, repId, query);
    res.json(taskListSchema.parse({ repId, status: query.status, items: tasks.map(view) }));
  });

  router.post('/v1/tasks/:id/complete', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(taskParamsSchema, req, 'params');
    const body = parseRequest(completeTaskSchema, req, 'body');
    const at = new Date();
    // One completion per task: the id does not include the outcome, so a second,
    // different report cannot add a second event.
    const externalId = `${id}:complete`;
    const outcome = await completeTask(deps.prisma, {
      key: id,
      reason: `completed by ${body.by}: ${body.outcome}`,
      at,
      event: {
        source: TASKS_EVENT_SOURCE,
        externalId,
        type: OUTCOME_EVENT_TYPE[body.outcome],
        occurredAt: at,
        data: { taskKey: id, outcome: body.outcome, by: body.by },
      },
    });
    switch (outcome.result) {
      case 'not-found':
        throw notFound(`No task "${id}".`);
      case 'closed':
        throw taskClosed(outcome.task, `is ${outcome.task.status} and cannot be completed`);
      case 'completed':
        break;
    }
    const stored = completionDataSchema.safeParse(outcome.event.data);
    if (!stored.success || stored.data.outcome !== body.outcome) {
      throw taskClosed(
        outcome.task,
        `was already completed${stored.success ? ` with outcome "${stored.data.outcome}"` : ''}`,
      );
    }
    // Tried on a repeat too: a crash between recording and signalling must not lose
    // the event, and the inbox signals only what it has not signalled yet. With
    // Temporal unreachable the completion stands and the relay delivers it.
    await deliverOrLeave(deps, { source: TASKS_EVENT_SOURCE, externalId });
    res.json(
      taskCompletedSchema.parse({
        task: view(outcome.task),
        outcome: body.outcome,
        event: { id: externalId, type: outcome.event.type },
      }),
    );
  });

  router.post('/v1/tasks/:id/skip', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(taskParamsSchema, req, 'params');
    const body = parseRequest(skipTaskSchema, req, 'body');
    // Who skipped is kept with why: the task row has no other place for it.
    const reason = `skipped by ${body.by}: ${body.reason}`;
    const task = await skipTask(deps.prisma, { key: id, reason, at: new Date() });
    if (task === null) throw notFound(`No task "${id}".`);
    // A repeat of the same skip is answered as the first; anything else on a closed task is a conflict.
    if (task.status !== 'skipped' || task.reason !== reason) {
      throw taskClosed(
        task,
        task.status === 'skipped' ? 'was already skipped for another reason' : `is ${task.status}`,
      );
    }
    res.json(taskSkippedSchema.parse({ task: view(task) }));
  });

  return router;
}
