import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Personal data (emails, phones, names, message bodies)
 * and credentials are redacted by path wherever they appear in a log object.
 */
export const REDACTED_PATHS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'to',
  'body',
  'subject',
  'recipient',
  // A reply read from the mail thread (api/webhooks/inbound): its words and who wrote them.
  'text',
  'excerpt',
  'sender',
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  '*.to',
  '*.body',
  '*.subject',
  '*.recipient',
  '*.text',
  '*.excerpt',
  '*.sender',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'accessToken',
  '*.accessToken',
  'authToken',
  '*.authToken',
];

const EMAIL_IN_TEXT = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
const PHONE_IN_TEXT = /\+\d[\d\s().-]{6,18}\d/g;

/** Addresses and numbers inside free text (a provider's error message, a stack) are redacted too. */
export function scrubText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '[email]').replace(PHONE_IN_TEXT, '[phone]');
}

function scrubbedError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack']) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = scrubText(value);
  }
  return serialized;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: scrubbedError },
      base: { service: 'durable-nurture' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
