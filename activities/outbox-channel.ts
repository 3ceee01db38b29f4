import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel, SendOutcome, SmsChannel } from './message-channels';
import { withUnsubscribeFooter } from './unsubscribe-link';

/**
 * The embedded default provider: "sends" by writing to the outbox table, so
 * `npm start` runs whole nurtures with no provider account (see
 * `GET /v1/outbox` and `GET /v1/leads/:id/timeline`). The touch key is the
 * table's primary key, so a retried send writes nothing new. Emails keep the
 * same unsubscribe footer a real provider sends, so the link can be tried locally.
 */
export function createOutboxChannels(prisma: PrismaClient): { email: EmailChannel; sms: SmsChannel } {
  async function write(
    touchKey: string,
    channel: string,
    recipient: string,
    subject: string | null,
    body: string,
  ): Promise<SendOutcome> {
    await prisma.outboxMessage.createMany({
      data: [{ touchKey, channel, recipient, subject, body }],
      skipDuplicates: true,
    });
    return { status: 'accepted', providerMessageId: `outbox:${touchKey}`, deliveredOnAccept: true };
  }
  return {
    email: {
      provider: 'outbox',
      send: (m) =>
        write(m.touchKey, 'email', m.to, m.subject, withUnsubscribeFooter(m.body, m.unsubscribeUrl)),
    },
    sms: { provider: 'outbox', send: (m) => write(m.touchKey, 'sms', m.to, null, m.body) },
  };
}
