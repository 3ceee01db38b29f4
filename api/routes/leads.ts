import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Router } from 'express';
import type { z } from 'zod';
import { leadArmOf } from '../../experiments/assignment/lead-arm-record';
import type { Lead } from '../../prisma/generated/client';
import { findLead } from '../../prisma/repositories/lead-repository';
import { cancelOpenTasksForLead } from '../../prisma/repositories/linkedin-task-repository';
import { loadTimeline } from '../../prisma/repositories/timeline-repository';
import {
  nurtureStateQuery,
  salesUpdate,
  suppressSignal,
  type NurtureView,
  type SalesRequest,
  type SalesResult,
} from '../../workflows/definitions';
import { suppressionKey } from '../../workflows/ids';
import { suppressionReason } from '../../workflows/engine/tracks/lifecycle';
import { leadEventRequestSchema } from '../../workflows/lead-event';
import type { AppDeps } from '../app-deps';
import { requireScope } from '../auth/authenticate';
import { deliverOrLeave, isDelivered, recordEvent } from '../inbox/event-inbox';
import { enrollLead } from '../enrollment/enroll-lead';
import { eraseLead } from '../erasure/erase-lead';
import { canonicalSmsFailure } from '../webhooks/carrier-opt-out';
import { notFound, ProblemError } from '../problem';
import {
  ackRequestSchema,
  closeRequestSchema,
  enrollLeadSchema,
  enrollResponseSchema,
  eventAcceptedSchema,
  handoffRequestSchema,
  type leadArmSchema,
  leadParamsSchema,
  leadResponseSchema,
  resumeRequestSchema,
  suppressSchema,
} from '../schemas/lead-schemas';
import { parseRequest } from '../validate';

export function leadsRouter(deps: AppDeps): Router {
  const router = Router();

  async function leadOr404(id: string, options: { erased?: 'allow' } = {}) {
    const lead = await findLead(deps.prisma, id);
    if (lead === null) throw notFound(`No lead "${id}".`);
    if (lead.erasedAt !== null && options.erased !== 'allow') {
      throw new ProblemError(410, 'lead-erased', 'Lead erased', `Lead "${id}" was erased.`);
    }
    return lead;
  }

  /** Runs a sales action as a Temporal update: the answer comes after the engine applied it. */
  async function sales(workflowId: string, request: SalesRequest): Promise<SalesResult> {
    try {
      return await deps.temporal.workflow
        .getHandle(workflowId)
        .executeUpdate(salesUpdate, { args: [request] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        throw new ProblemError(409, 'nurture-not-running', 'Nurture not running', 'The nurture has ended.');
      }
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ProblemError(
          409,
          'nurture-refused',
          'Action refused',
          error.cause?.message ?? error.message,
        );
      }
      throw error;
    }
  }

  router.post('/v1/leads', requireScope('enroll'), async (req, res) => {
    const body = parseRequest(enrollLeadSchema, req, 'body');
    const result = await enrollLead(deps, body);
    res
      .status(result.created ? 201 : 200)
      .location(`/v1/leads/${encodeURIComponent(result.leadId)}`)
      .json(enrollResponseSchema.parse(result));
  });

  router.post('/v1/leads/:id/events', requireScope('events'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const given = parseRequest(leadEventRequestSchema, req, 'body');
    // A backend relaying Twilio's callbacks may post 21610 as sms.failed: it is an opt-out.
    const event = given.type === 'sms.failed' ? { ...given, ...canonicalSmsFailure(given.data) } : given;
    await leadOr404(id);
    const { duplicate, leadId: storedFor } = await recordEvent(deps, {
      leadId: id,
      source: 'api',
      externalId: event.id,
      type: event.type,
      occurredAt: new Date(event.occurredAt),
      data: event.data,
    });
    if (storedFor !== id) {
      throw new ProblemError(
        409,
        'event-id-conflict',
        'Event id already used',
        `Event "${event.id}" was recorded for another lead.`,
      );
    }
    // Only what the inbox has not signalled yet is signalled: a duplicate of an event
    // a crash left unsignalled delivers it, any other duplicate reaches nothing.
    // Accepted either way: with Temporal unreachable the relay delivers it later.
    const attempt = await deliverOrLeave(deps, { source: 'api', externalId: event.id });
    res.status(202).json(
      eventAcceptedSchema.parse({
        leadId: id,
        eventId: event.id,
        duplicate,
        delivered: isDelivered(attempt),
      }),
    );
  });

  router.get('/v1/leads/:id', requireScope('read'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const lead = await leadOr404(id);
    let nurture: NurtureView | null = null;
    try {
      nurture = await deps.temporal.workflow.getHandle(lead.workflowId).query(nurtureStateQuery);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    res.json(
      leadResponseSchema.parse({
        lead: {
          id: lead.id,
          email: lead.email,
          phone: lead.phone,
          firstName: lead.firstName,
          lastName: lead.lastName,
          company: lead.company,
          companyId: lead.companyId,
          timezone: lead.timezone,
          ownerId: lead.ownerId,
          ownerName: lead.ownerName,
          persona: lead.persona,
          industry: lead.industry,
          stage: lead.stage,
          preferredChannel: lead.preferredChannel,
          planId: lead.planId,
          planVersion: lead.planVersion,
          arm: armOf(lead),
          createdAt: lead.createdAt.toISOString(),
        },
        workflowId: lead.workflowId,
        nurture,
      }),
    );
  });

  router.get('/v1/leads/:id/timeline', requireScope('read'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const lead = await leadOr404(id);
    res.json({ leadId: id, arm: armOf(lead), items: await loadTimeline(deps.prisma, id) });
  });

  router.post('/v1/leads/:id/suppress', requireScope('events'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const body = parseRequest(suppressSchema, req, 'body');
    const lead = await leadOr404(id);
    // The engine's effect records the suppression and cancels open tasks; the signal
    // itself cancels a send in flight. Only a lead with no nurture running has no
    // engine to do it, so the route records it then.
    let delivered = true;
    try {
      await deps.temporal.workflow.getHandle(lead.workflowId).signal(suppressSignal, body);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      delivered = false;
      const reason = suppressionReason(body.source, body.reason);
      await deps.prisma.suppression.createMany({
        data: [{ key: suppressionKey(lead.workflowId), leadId: id, reason, source: body.source }],
        skipDuplicates: true,
      });
      await cancelOpenTasksForLead(deps.prisma, id, reason);
    }
    res.status(202).json({ leadId: id, suppressed: true, delivered });
  });

  router.post('/v1/leads/:id/handoff', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const body = parseRequest(handoffRequestSchema, req, 'body');
    const lead = await leadOr404(id);
    const result = await sales(lead.workflowId, { action: 'handoff', by: body.by, note: body.note ?? null });
    res.json({ leadId: id, ...result });
  });

  router.post('/v1/leads/:id/handoff/ack', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const body = parseRequest(ackRequestSchema, req, 'body');
    const lead = await leadOr404(id);
    // The update answers once the engine's effect has marked the hand-off row acknowledged.
    const result = await sales(lead.workflowId, { action: 'ack', by: body.by });
    res.json({ leadId: id, ...result });
  });

  router.post('/v1/leads/:id/resume', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const body = parseRequest(resumeRequestSchema, req, 'body');
    const lead = await leadOr404(id);
    res.json({ leadId: id, ...(await sales(lead.workflowId, { action: 'resume', by: body.by })) });
  });

  router.post('/v1/leads/:id/close', requireScope('handoff'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const body = parseRequest(closeRequestSchema, req, 'body');
    const lead = await leadOr404(id);
    res.json({
      leadId: id,
      ...(await sales(lead.workflowId, { action: 'close', by: body.by, reason: body.reason })),
    });
  });

  /** GDPR/CCPA erasure: personal data cleared everywhere, nurture ended, hashed contacts kept. */
  router.delete('/v1/leads/:id', requireScope('admin'), async (req, res) => {
    const { id } = parseRequest(leadParamsSchema, req, 'params');
    const lead = await leadOr404(id, { erased: 'allow' });
    res.json(await eraseLead(deps, lead));
  });

  return router;
}

/** The arm as the API shows it, from the lead's record. */
function armOf(lead: Lead): z.input<typeof leadArmSchema> {
  const arm = leadArmOf(lead);
  return arm === undefined ? null : { id: arm.id, experimentId: arm.experimentId, channels: arm.channels };
}
