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
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  '*.to',
  '*.body',
  '*.subject',
  '*.recipient',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'durable-nurture' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
