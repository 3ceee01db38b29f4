import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { workflowEventId } from '../../api/inbox/event-inbox';
import { debugFullStateQuery } from '../../workflows/definitions';
import type { ServiceClient } from './service-client';

/** What a fault did to a population: every figure but `injected` must come out zero. */
export interface Damage {
  /** Nurtures that never completed. */
  unfinished: number;
  /** Touches recorded as sent with no message at the provider, or left half-sent. */
  lostTouches: number;
  /** A second message for one touch key, or for one lead's plan step. */
  duplicateTouches: number;
  /** Accepted events the nurture never applied (see eventDamage). */
  lostEvents: number;
  /** Accepted events applied more than once. */
  eventsAppliedTwice: number;
}

export interface Lead {
  id: string;
  workflowId: string;
  /** The click events the service accepted (answered 2xx) for this lead: id → when (epoch ms). */
  acceptedClicks: Map<string, number>;
}

export interface LeadOptions {
  planId: string;
  phone?: string;
  timezone?: string;
  sms?: boolean;
}

const enrolledSchema = z.object({ workflowId: z.string() });

export async function enroll(
  api: ServiceClient,
  id: string,
  options: LeadOptions,
  deadline: number,
): Promise<Lead> {
  const body = {
    id,
    email: `${id}@${id}.example.com`,
    ...(options.phone === undefined ? {} : { phone: options.phone }),
    timezone: options.timezone ?? 'UTC',
    companyId: `company-${id}`,
    consent: { email: true, ...(options.sms === true ? { sms: true } : {}) },
    planId: options.planId,
  };
  const reply = await api.until2xx('POST', '/v1/leads', body, deadline);
  if (reply === null) throw new Error(`lead ${id} could not be enrolled before the deadline`);
  return { id, workflowId: enrolledSchema.parse(reply.body).workflowId, acceptedClicks: new Map() };
}

/** Posts a click the way a backend does: the same id again until it is taken. */
export async function postClick(
  api: ServiceClient,
  lead: Lead,
  eventId: string,
  deadline: number,
): Promise<void> {
  const reply = await api.until2xx(
    'POST',
    `/v1/leads/${lead.id}/events`,
    { id: eventId, type: 'email.clicked', occurredAt: new Date().toISOString(), data: {} },
    deadline,
  );
  if (reply !== null) lead.acceptedClicks.set(eventId, Date.now());
}

export async function temporalClient(
  address: string,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** Waits, bounded, until every nurture has completed; returns those that did not. */
export async function awaitCompletion(client: Client, leads: Lead[], deadline: number): Promise<Lead[]> {
  let open = leads;
  while (open.length > 0 && Date.now() < deadline) {
    const statuses = await Promise.all(
      open.map(async (lead) => {
        try {
          return (await client.workflow.getHandle(lead.workflowId).describe()).status.name;
        } catch {
          return 'UNREACHABLE';
        }
      }),
    );
    open = open.filter((_, i) => statuses[i] !== 'COMPLETED');
    if (open.length > 0) await sleep(1_000);
  }
  return open;
}

const timelineSchema = z.object({
  items: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('event'), id: z.string() }),
      z.object({
        kind: z.literal('touch'),
        key: z.string(),
        channel: z.string(),
        step: z.string(),
        status: z.string(),
      }),
      z.object({
        kind: z.literal('decision'),
        rule: z.string(),
        outcome: z.string(),
        data: z.looseObject({ eventId: z.string().optional() }),
      }),
      z.object({ kind: z.literal('conversion') }),
    ]),
  ),
});

export interface SentTouch {
  key: string;
  channel: string;
  step: string;
  status: string;
}

/** One lead's touches, its events' ids, and the (workflow) ids of events its nurture recorded as ignored. */
export async function timelineOf(
  api: ServiceClient,
  lead: Lead,
): Promise<{ touches: SentTouch[]; ignoredEvents: Set<string>; events: Set<string> }> {
  const reply = await api.until2xx('GET', `/v1/leads/${lead.id}/timeline`, undefined, Date.now() + 30_000);
  if (reply === null) throw new Error(`no timeline for ${lead.id}`);
  const items = timelineSchema.parse(reply.body).items;
  const touches: SentTouch[] = [];
  const ignoredEvents = new Set<string>();
  const events = new Set<string>();
  for (const item of items) {
    if (item.kind === 'event') events.add(item.id);
    if (item.kind === 'touch') touches.push(item);
    if (item.kind === 'decision' && item.outcome === 'ignored' && item.data.eventId !== undefined) {
      ignoredEvents.add(item.data.eventId);
    }
  }
  return { touches, ignoredEvents, events };
}

/**
 * Longest an accepted event may wait for the nurture through crash loops: the
 * dead process's claim lease (15 s), the relay's grace and interval (5 s
 * each), and two restarts of the whole service (about 10 s each).
 */
export const DELIVERY_BOUND_MS = 45_000;

/**
 * Whether each accepted click was applied exactly once, read from the
 * nurture's own state: `clicks` counts applications, `seenEventIds` names
 * them. A click that reached a nurture after it ended is recorded as ignored
 * (the timeline says so) and counts as applied. One the nurture never saw is
 * lost, unless it was accepted less than DELIVERY_BOUND_MS before the
 * nurture ended: then the crashes delayed it past a demo nurture's minute of
 * life, it is kept on the timeline as any event after the end is, and it is
 * counted apart (`late`), not hidden.
 */
export async function eventDamage(
  client: Client,
  lead: Lead,
  timeline: { ignoredEvents: Set<string>; events: Set<string> },
): Promise<Pick<Damage, 'lostEvents' | 'eventsAppliedTwice'> & { late: number }> {
  const handle = client.workflow.getHandle(lead.workflowId);
  const state = await handle.query(debugFullStateQuery);
  const closedAt = (await handle.describe()).closeTime?.getTime() ?? Number.POSITIVE_INFINITY;
  const seen = new Set(state.seenEventIds);
  // The workflow knows an event by its source and id: `api:<id>` for these.
  const accepted = [...lead.acceptedClicks].map(([id, at]) => ({
    id,
    at,
    inWorkflow: workflowEventId('api', id),
  }));
  const unseen = accepted.filter((e) => !seen.has(e.inWorkflow));
  const late = unseen.filter((e) => timeline.events.has(e.id) && closedAt - e.at < DELIVERY_BOUND_MS);
  const appliedWhileActive = accepted.filter(
    (e) => seen.has(e.inWorkflow) && !timeline.ignoredEvents.has(e.inWorkflow),
  );
  return {
    lostEvents: unseen.length - late.length,
    eventsAppliedTwice: Math.max(0, state.clicks - appliedWhileActive.length),
    late: late.length,
  };
}

/** Touches left `sending`/`calling`, or failed: in these runs every send must end sent. */
export function unfinishedTouches(touches: SentTouch[]): number {
  return touches.filter((t) => t.status !== 'sent').length;
}

/** More than one touch for one lead's plan step on one channel: the same step sent twice under two keys. */
export function duplicateSteps(touches: SentTouch[]): number {
  const perStep = new Map<string, number>();
  for (const t of touches) {
    if (t.status !== 'sent') continue;
    const key = `${t.channel}:${t.step}`;
    perStep.set(key, (perStep.get(key) ?? 0) + 1);
  }
  return [...perStep.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
}

export function addDamage(total: Damage, more: Partial<Damage>): Damage {
  return {
    unfinished: total.unfinished + (more.unfinished ?? 0),
    lostTouches: total.lostTouches + (more.lostTouches ?? 0),
    duplicateTouches: total.duplicateTouches + (more.duplicateTouches ?? 0),
    lostEvents: total.lostEvents + (more.lostEvents ?? 0),
    eventsAppliedTwice: total.eventsAppliedTwice + (more.eventsAppliedTwice ?? 0),
  };
}

export const NO_DAMAGE: Damage = {
  unfinished: 0,
  lostTouches: 0,
  duplicateTouches: 0,
  lostEvents: 0,
  eventsAppliedTwice: 0,
};

/** What a provider holds for one lead: touch key → copies received. */
export type ProviderCopies = (lead: Lead) => Promise<Map<string, number>>;

export interface Audit {
  damage: Damage;
  /** Touches that ended sent, over all leads. */
  sent: SentTouch[];
  events: number;
  lateEvents: number;
}

/**
 * The checks every scenario makes once its nurtures are done: each completed,
 * no touch left half-sent, one touch per step, every accepted event applied
 * once, and, where the provider's record is given, exactly one copy of each
 * sent touch there and none that no touch accounts for.
 */
export async function auditLeads(
  api: ServiceClient,
  client: Client,
  leads: Lead[],
  options: { deadline: number; copies?: ProviderCopies },
): Promise<Audit> {
  const unfinished = await awaitCompletion(client, leads, options.deadline);
  let damage = addDamage(NO_DAMAGE, { unfinished: unfinished.length });
  const sent: SentTouch[] = [];
  let events = 0;
  let lateEvents = 0;
  for (const lead of leads) {
    const timeline = await timelineOf(api, lead);
    const applied = await eventDamage(client, lead, timeline);
    const ours = timeline.touches.filter((t) => t.status === 'sent');
    sent.push(...ours);
    events += lead.acceptedClicks.size;
    lateEvents += applied.late;
    const copies = options.copies === undefined ? undefined : await options.copies(lead);
    const count = (key: string): number => copies?.get(key) ?? 0;
    damage = addDamage(damage, {
      lostTouches:
        unfinishedTouches(timeline.touches) +
        (copies === undefined ? 0 : ours.filter((t) => count(t.key) === 0).length),
      duplicateTouches:
        duplicateSteps(timeline.touches) +
        (copies === undefined
          ? 0
          : ours.reduce((n, t) => n + Math.max(0, count(t.key) - 1), 0) +
            [...copies.keys()].filter((key) => !timeline.touches.some((t) => t.key === key)).length),
      lostEvents: applied.lostEvents,
      eventsAppliedTwice: applied.eventsAppliedTwice,
    });
  }
  return { damage, sent, events, lateEvents };
}
