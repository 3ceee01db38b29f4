import { randomInt } from 'node:crypto';
import { z } from 'zod';
import {
  parseRetryAfter,
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../providers/provider-errors';
import type { HashedIdentifiers } from './audience-identifiers';
import type { AudienceBatchResult, AudienceIdMap, AudiencePlatform } from './audience-platform';
import {
  platformHttpOf,
  httpFailure,
  joinUrl,
  platformRequest,
  shortDetail,
  type PlatformResponse,
} from './platform-http';

/**
 * Meta (Facebook/Instagram) customer-list Custom Audiences, through the
 * Marketing API's `/{custom_audience_id}/users` edge: POST adds, DELETE
 * removes, both with a `payload` of `{ schema, data }` holding SHA-256 hashes
 * and a `session` describing the upload. Meta answers
 * `{ audience_id, session_id, num_received, num_invalid_entries, invalid_entry_samples }`.
 */

/** The Graph API version the docs currently show; a version lives about two years. */
export const META_GRAPH_API_BASE_URL = 'https://graph.facebook.com/v25.0';

/** Meta takes at most 10,000 entries per call. */
export const META_MAX_BATCH_SIZE = 10_000;

export interface MetaCustomAudienceConfig {
  accessToken: string;
  /** Our audience names to Meta custom audience ids. */
  audienceIds: AudienceIdMap;
  /** META_GRAPH_API_BASE_URL, with the version, unless a test or a proxy says otherwise. */
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

const successSchema = z.object({
  num_received: z.number(),
  num_invalid_entries: z.number(),
});

const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
  }),
});

/**
 * Graph error codes that mean "slow down" or "try again", which Meta often
 * sends with HTTP 400: 1/2 unknown or temporary errors, 4 app and 17 user
 * request limits, 32 page limit, 613 call rate, 80003 the custom-audience
 * throttle of the Marketing API.
 */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 613, 80003]);
/** 190 expired or invalid token, 10 and 200–299 missing permissions. */
const isConfigurationCode = (code: number) => code === 190 || code === 10 || (code >= 200 && code < 300);

export function createMetaCustomAudience(config: MetaCustomAudienceConfig): AudiencePlatform {
  const baseUrl = config.baseUrl ?? META_GRAPH_API_BASE_URL;
  const http = platformHttpOf(config);

  async function upload(
    method: 'POST' | 'DELETE',
    audience: string,
    members: readonly HashedIdentifiers[],
  ): Promise<AudienceBatchResult> {
    const audienceId = config.audienceIds[audience];
    if (audienceId === undefined) {
      throw new PermanentProviderError(`meta: no custom audience id configured for "${audience}"`);
    }
    // Multi-key rows must all carry the same keys: members with a phone go in one
    // call, the rest in another, rather than sending empty values Meta may count invalid.
    const withPhone = members.filter((m) => m.phoneSha256 !== null);
    const emailOnly = members.filter((m) => m.phoneSha256 === null);
    const payloads: { schema: string | string[]; data: (string | string[])[] }[] = [];
    if (withPhone.length > 0) {
      payloads.push({
        schema: ['EMAIL', 'PHONE'],
        data: withPhone.map((m) => [m.emailSha256, m.phoneSha256 ?? '']),
      });
    }
    if (emailOnly.length > 0) {
      payloads.push({ schema: 'EMAIL_SHA256', data: emailOnly.map((m) => m.emailSha256) });
    }
    const result: AudienceBatchResult = { received: 0, invalid: 0, rejected: [] };
    for (const payload of payloads) {
      const session = {
        // Each call is a complete upload of its own: one batch, the last one.
        session_id: randomInt(1, 2 ** 47),
        batch_seq: 1,
        last_batch_flag: true,
        estimated_num_total: payload.data.length,
      };
      const response = await platformRequest(http, 'meta', joinUrl(baseUrl, `${audienceId}/users`), {
        method,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        // In the body, not the query string: URLs end up in proxy and access logs.
        body: new URLSearchParams({
          payload: JSON.stringify(payload),
          session: JSON.stringify(session),
          access_token: config.accessToken,
        }).toString(),
      });
      if (response.status < 200 || response.status >= 300) throw failure(response, http.now());
      const parsed = successSchema.safeParse(response.body);
      if (!parsed.success) {
        // The call went through but the answer is not Meta's: adding again is harmless.
        throw new TransientProviderError(`meta: unexpected response to ${method} (HTTP ${response.status})`);
      }
      result.received += parsed.data.num_received;
      result.invalid += parsed.data.num_invalid_entries;
    }
    return result;
  }

  return {
    name: 'meta',
    maxBatchSize: META_MAX_BATCH_SIZE,
    handles: (audience) => config.audienceIds[audience] !== undefined,
    addMembers: (audience, members) => upload('POST', audience, members),
    removeMembers: (audience, members) => upload('DELETE', audience, members),
  };
}

function failure(response: PlatformResponse, now: number): Error {
  const parsed = graphErrorSchema.safeParse(response.body);
  if (!parsed.success) return httpFailure('meta', response, '', now);
  const { code, error_subcode: subcode, message, is_transient: isTransient } = parsed.data.error;
  const detail = shortDetail(
    `${code === undefined ? '' : `code ${code}${subcode === undefined ? '' : `/${subcode}`} `}${message ?? ''}`,
  );
  if (response.status === 429 || response.status >= 500) return httpFailure('meta', response, detail, now);
  if (isTransient === true || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return new TransientProviderError(
      `meta: HTTP ${response.status}: ${detail}`,
      parseRetryAfter(response.headers.get('retry-after'), now),
    );
  }
  if (code !== undefined && isConfigurationCode(code)) {
    return new ProviderConfigurationError(`meta: HTTP ${response.status}: ${detail}`);
  }
  return httpFailure('meta', response, detail, now);
}
