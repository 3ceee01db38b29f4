import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel, OutboundEmail, SendOutcome } from './email-channel';

/**
 * The embedded default: "sends" by writing to the outbox table, so `npm start`
 * runs whole nurtures with no provider account. The touch key is the table's
 * primary key, so a retried send writes nothing new.
 */
export function createOutboxEmailChannel(prisma: PrismaClient): EmailChannel {
  return {
    provider: 'outbox',
    async send(message: OutboundEmail): Promise<SendOutcome> {
      await prisma.outboxMessage.createMany({
        data: [
          {
            touchKey: message.touchKey,
            channel: 'email',
            recipient: message.to,
            subject: message.subject,
            body: message.body,
          },
        ],
        skipDuplicates: true,
      });
      return { status: 'accepted', providerMessageId: `outbox:${message.touchKey}` };
    },
  };
}
