import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel, SendOutcome, SmsChannel } from './message-channels';

/**
 * The embedded default provider: "sends" by writing to the outbox table, so
 * `npm start` runs whole nurtures with no provider account (see
 * `GET /v1/leads/:id/timeline` and the outbox_messages table). The touch key is
 * the table's primary key, so a retried send writes nothing new.
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
    email: { provider: 'outbox', send: (m) => write(m.touchKey, 'email', m.to, m.subject, m.body) },
    sms: { provider: 'outbox', send: (m) => write(m.touchKey, 'sms', m.to, null, m.body) },
  };
}
