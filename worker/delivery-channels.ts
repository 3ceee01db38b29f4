import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config/env';
import type { EmailChannel, SmsChannel } from '../activities/message-channels';
import { createOutboxChannels } from '../activities/outbox-channel';
import { createSendgridEmailChannel } from '../activities/providers/sendgrid-email-channel';
import { createSmtpEmailChannel } from '../activities/providers/smtp-email-channel';
import { TwilioSmsChannel } from '../activities/providers/twilio-sms-channel';
import type { PrismaClient } from '../prisma/generated/client';

export interface DeliveryChannels {
  email: EmailChannel;
  sms: SmsChannel;
  unsubscribe: { baseUrl: string; secret: string };
  close: () => void;
}

/** Where links in messages point: PUBLIC_BASE_URL, else the local API. */
export function publicBaseUrl(env: Env): string {
  return env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${String(env.PORT)}`;
}

/**
 * UNSUBSCRIBE_SECRET, or (embedded default only: env validation requires the
 * variable with a real provider) a secret generated once into DATA_DIR, so
 * links in the outbox keep working across restarts. Exclusive create: the
 * API and the worker may start at once and must agree.
 */
export function unsubscribeSecret(env: Env): string {
  if (env.UNSUBSCRIBE_SECRET !== undefined) return env.UNSUBSCRIBE_SECRET;
  const dir = path.resolve(env.DATA_DIR);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'unsubscribe-secret');
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/** The providers configured in the environment; each channel falls back to the embedded outbox. */
export function deliveryChannels(env: Env, prisma: PrismaClient): DeliveryChannels {
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
    unsubscribe: { baseUrl: publicBaseUrl(env), secret: unsubscribeSecret(env) },
    close: () => {
      for (const close of closers) close();
    },
  };
}
