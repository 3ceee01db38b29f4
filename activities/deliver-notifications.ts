import type { PrismaClient } from '../prisma/generated/client';
import type { NotificationSink } from './notification-sink';

/** Delivers recorded notifications (CRM updates, escalation alerts) that are not delivered yet. */
export function createDeliverNotifications(deps: {
  prisma: PrismaClient;
  crm: NotificationSink;
  alerts: NotificationSink;
}) {
  return async function deliverNotifications(input: { keys: string[] }): Promise<{ delivered: number }> {
    const pending = await deps.prisma.notification.findMany({
      where: { key: { in: input.keys }, deliveredAt: null },
    });
    for (const notification of pending) {
      const sink = notification.target === 'alert' ? deps.alerts : deps.crm;
      await sink.deliver({
        key: notification.key,
        leadId: notification.leadId,
        kind: notification.kind,
        payload: notification.payload,
      });
      await deps.prisma.notification.update({
        where: { key: notification.key },
        data: { deliveredAt: new Date() },
      });
    }
    return { delivered: pending.length };
  };
}
