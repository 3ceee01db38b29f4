import type { PrismaClient } from '../generated/client';

export type TimelineItem =
  | { kind: 'event'; at: string; id: string; source: string; type: string; data: unknown }
  | {
      kind: 'touch';
      at: string;
      key: string;
      channel: string;
      step: string;
      variant: string;
      status: string;
      provider: string;
      sentAt: string | null;
      failureReason: string | null;
    }
  | {
      kind: 'decision';
      at: string;
      key: string;
      rule: string;
      outcome: string;
      reason: string;
      data: unknown;
    }
  | { kind: 'conversion'; at: string; goal: string; arm: string | null; experimentId: string | null };

// A conversion follows the event that made it, at the same instant.
const KIND_ORDER = { event: 0, conversion: 1, decision: 2, touch: 3 } as const;

/** A lead's events, conversions, touches and decisions in time order, from the database alone. */
export async function loadTimeline(prisma: PrismaClient, leadId: string): Promise<TimelineItem[]> {
  const [events, touches, decisions, conversions] = await Promise.all([
    prisma.event.findMany({ where: { leadId } }),
    prisma.touch.findMany({ where: { leadId } }),
    prisma.decision.findMany({ where: { leadId } }),
    prisma.conversion.findMany({ where: { leadId } }),
  ]);
  const items: TimelineItem[] = [
    ...events.map((e) => ({
      kind: 'event' as const,
      at: e.occurredAt.toISOString(),
      id: e.externalId,
      source: e.source,
      type: e.type,
      data: e.data,
    })),
    ...touches.map((t) => ({
      kind: 'touch' as const,
      at: t.createdAt.toISOString(),
      key: t.key,
      channel: t.channel,
      step: t.step,
      variant: t.variant,
      status: t.status,
      provider: t.provider,
      sentAt: t.sentAt?.toISOString() ?? null,
      failureReason: t.failureReason,
    })),
    ...decisions.map((d) => ({
      kind: 'decision' as const,
      at: d.decidedAt.toISOString(),
      key: d.key,
      rule: d.rule,
      outcome: d.outcome,
      reason: d.reason,
      data: d.data,
    })),
    ...conversions.map((c) => ({
      kind: 'conversion' as const,
      at: c.occurredAt.toISOString(),
      goal: c.goal,
      arm: c.arm,
      experimentId: c.experimentId,
    })),
  ];
  // Decision keys end in a sequence number: keep the engine's own order within a millisecond.
  return items.sort(
    (a, b) =>
      a.at.localeCompare(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || sequenceOf(a) - sequenceOf(b),
  );
}

function sequenceOf(item: TimelineItem): number {
  if (item.kind !== 'decision') return 0;
  return Number(item.key.split(':').pop() ?? 0);
}
