import { z } from 'zod';
import type { HashedIdentifiers } from './audience-identifiers';

/**
 * The port every retargeting platform adapter implements. Audiences are named
 * by the plan (`retargeting.audiences`: "awareness", "decision"…); each
 * adapter maps those names to its own audience ids from configuration.
 *
 * Error contract: a failure that may pass by itself (429, 5xx, a timeout, the
 * platform's own "throttled" codes) throws `TransientProviderError`, with the
 * wait the platform asked for; a request the platform will never accept throws
 * `PermanentProviderError` (`ProviderConfigurationError` for credentials and
 * permissions). Entries the platform accepted the request for but refused one
 * by one come back in the result.
 */
export interface AudiencePlatform {
  /** Stable name stored in `audience_syncs.platform` and its keys: never rename. */
  readonly name: string;
  /** Most members one call may carry (the platform's documented limit, or less). */
  readonly maxBatchSize: number;
  /** Whether this platform has an audience id configured for one of our audience names. */
  handles(audience: string): boolean;
  addMembers(audience: string, members: readonly HashedIdentifiers[]): Promise<AudienceBatchResult>;
  removeMembers(audience: string, members: readonly HashedIdentifiers[]): Promise<AudienceBatchResult>;
}

export interface AudienceBatchResult {
  /** How many entries the platform says it received. */
  received: number;
  /** How many of them it found invalid (Meta reports a count, not which). */
  invalid: number;
  /** Positions in the request of entries the platform refused one by one (LinkedIn reports these). */
  rejected: readonly { index: number; reason: string }[];
}

/**
 * Our audience names to a platform's audience ids, as configured in JSON
 * (`META_AUDIENCE_IDS='{"awareness":"238…","decision":"238…"}'`). Names follow
 * the plan; ids are the platform's, kept as strings (Meta's overflow a double).
 */
export const audienceIdMapSchema = z.record(
  z.string().min(1).max(64),
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_:-]+$/, 'must be a platform audience id'),
);

export type AudienceIdMap = z.output<typeof audienceIdMapSchema>;

/** Parses the JSON form of an audience id map; throws a zod error naming the bad entry. */
export function parseAudienceIdMap(json: string): AudienceIdMap {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of audience name to id' });
        return z.NEVER;
      }
    })
    .pipe(audienceIdMapSchema)
    .parse(json);
}
