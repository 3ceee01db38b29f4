import { ProblemError } from '../../problem';
import { providerName } from '../webhook-problems';
import type { ProviderSource } from '../provider-event';

/** The body is not the form the provider posts (multipart/form-data or form-urlencoded). */
export function unsupportedForm(source: ProviderSource): ProblemError {
  return new ProblemError(
    415,
    'unsupported-media-type',
    'Unsupported media type',
    `The ${providerName(source)} inbound webhook takes multipart/form-data or application/x-www-form-urlencoded.`,
  );
}

/** A form whose bytes do not parse (a cut or garbled multipart body). */
export function malformedForm(): ProblemError {
  return new ProblemError(
    400,
    'malformed-form',
    'Malformed form',
    'The request body is not a well-formed form.',
  );
}

/** A raw message (send-raw or body-mime) that mailparser cannot read. */
export function malformedMessage(): ProblemError {
  return new ProblemError(
    400,
    'malformed-message',
    'Malformed message',
    'The raw message in the form is not a readable RFC 5322 message.',
  );
}
