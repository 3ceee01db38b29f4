import type { Env } from '../config/env';
import type { UnsubscribeSecret } from '../activities/unsubscribe-link';
import type { EmailChannel, SmsChannel } from '../activities/message-channels';
import { createOutboxChannels } from '../activities/outbox-channel';
import { createSendgridEmailChannel } from '../activities/providers/sendgrid-email-channel';
import { createSmtpEmailChannel } from '../activities/providers/smtp-email-channel';
import { TwilioSmsChannel } from '../activities/providers/twilio-sms-channel';
import type { PrismaClient } from '../prisma/generated/client';
import { unsubscribeSecret } from '../prisma/repositories/unsubscribe-secret-setting';

export interface DeliveryChannels {
  email: EmailChannel;
  sms: SmsChannel;
  unsubscribe: { baseUrl: string; secret: UnsubscribeSecret };
  close: () => void;
}

/** Where links in messages point: PUBLIC_BASE_URL, else the local API. */
export function publicBaseUrl(env: Env): string {
  return env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${String(env.PORT)}`;
}

/** The providers configured in the environment; each channel falls back to the embedded outbox. */
export async function deliveryChannels(env: Env, prisma: PrismaClient): Promise<DeliveryChannels> {
  const outbox = createOutboxChannels(prisma);
  const closers: (() => void)[] = [];
  let email: EmailChannel = outbox.email;
  if (env.SMTP_URL !== undefined && env.EMAIL_FROM !== undefined) {
    const smtp = createSmtpEmailChannel({ smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM });
    closers.push(() => {
      smtp.close();
    });
    email = smtp;
  } else if (env.SENDGRID_API_KEY !== undefined && env.EMAIL_FROM !== undefined) {
    email = createSendgridEmailChannel({
      apiKey: env.SENDGRID_API_KEY,
      from: env.EMAIL_FROM,
      ...(env.SENDGRID_API_BASE_URL === undefined ? {} : { apiBaseUrl: env.SENDGRID_API_BASE_URL }),
    });
  }
  let sms: SmsChannel = outbox.sms;
  if (env.TWILIO_ACCOUNT_SID !== undefined && env.TWILIO_AUTH_TOKEN !== undefined) {
    sms = new TwilioSmsChannel({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      sender:
        env.TWILIO_MESSAGING_SERVICE_SID !== undefined
          ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID }
          : { from: env.TWILIO_FROM ?? '' },
      publicBaseUrl: publicBaseUrl(env),
      ...(env.TWILIO_API_BASE_URL === undefined ? {} : { apiBaseUrl: env.TWILIO_API_BASE_URL }),
    });
  }
  return {
    email,
    sms,
    unsubscribe: { baseUrl: publicBaseUrl(env), secret: await unsubscribeSecret(env, prisma) },
    close: () => {
      for (const close of closers) close();
    },
  };
}
