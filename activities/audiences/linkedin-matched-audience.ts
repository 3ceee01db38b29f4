import { z } from 'zod';
import { PermanentProviderError, TransientProviderError } from '../providers/provider-errors';
import type { HashedIdentifiers } from './audience-identifiers';
import type { AudienceBatchResult, AudienceIdMap, AudiencePlatform } from './audience-platform';
import { platformHttpOf, httpFailure, joinUrl, platformRequest, shortDetail } from './platform-http';

/**
 * LinkedIn Matched Audiences: members are streamed into a DMP segment with
 * `POST /rest/dmpSegments/{id}/users` and `X-RestLi-Method: BATCH_CREATE`, one
 * element per member with `action: ADD | REMOVE` and its `userIds`. LinkedIn
 * answers 200 with one `{ status }` per element, in request order (201 also
 * for an id added twice or removed when absent, by design).
 *
 * Only the hashed email is sent: the DMP user ids are SHA256_EMAIL,
 * SHA512_EMAIL and mobile advertising ids; there is no phone id type.
 */

export const LINKEDIN_API_BASE_URL = 'https://api.linkedin.com';

/**
 * The `LinkedIn-Version` (YYYYMM) the adapter was written against. LinkedIn
 * sunsets each monthly version after about a year: move it forward with the
 * migration notes, not blindly.
 */
export const LINKEDIN_API_VERSION = '202601';

/**
 * LinkedIn limits these calls per member per minute rather than documenting
 * a batch size; 1,000 elements keeps a request near 100 kB.
 */
export const LINKEDIN_MAX_BATCH_SIZE = 1_000;

export interface LinkedInMatchedAudienceConfig {
  accessToken: string;
  /** Our audience names to DMP segment ids. */
  segmentIds: AudienceIdMap;
  baseUrl?: string;
  version?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

const batchResponseSchema = z.object({
  elements: z.array(
    z.object({
      status: z.number(),
      error: z.object({ message: z.string().optional() }).optional(),
    }),
  ),
});

const errorSchema = z.object({
  message: z.string().optional(),
  serviceErrorCode: z.number().optional(),
  code: z.string().optional(),
});

export function createLinkedInMatchedAudience(config: LinkedInMatchedAudienceConfig): AudiencePlatform {
  const baseUrl = config.baseUrl ?? LINKEDIN_API_BASE_URL;
  const version = config.version ?? LINKEDIN_API_VERSION;
  const http = platformHttpOf(config);

  async function stream(
    action: 'ADD' | 'REMOVE',
    audience: string,
    members: readonly HashedIdentifiers[],
  ): Promise<AudienceBatchResult> {
    const segmentId = config.segmentIds[audience];
    if (segmentId === undefined) {
      throw new PermanentProviderError(`linkedin: no DMP segment id configured for "${audience}"`);
    }
    const response = await platformRequest(
      http,
      'linkedin',
      joinUrl(baseUrl, `rest/dmpSegments/${encodeURIComponent(segmentId)}/users`),
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${config.accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'linkedin-version': version,
          'x-restli-protocol-version': '2.0.0',
          'x-restli-method': 'BATCH_CREATE',
        },
        body: JSON.stringify({
          elements: members.map((m) => ({
            action,
            userIds: [{ idType: 'SHA256_EMAIL', idValue: m.emailSha256 }],
          })),
        }),
      },
    );
    if (response.status < 200 || response.status >= 300) {
      const parsed = errorSchema.safeParse(response.body);
      const detail = parsed.success
        ? shortDetail(
            `${parsed.data.serviceErrorCode === undefined ? '' : `${parsed.data.serviceErrorCode} `}${parsed.data.message ?? ''}`,
          )
        : '';
      throw httpFailure('linkedin', response, detail, http.now());
    }
    const parsed = batchResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      // Streaming the same ADD or REMOVE again is a no-op for LinkedIn: safe to retry.
      throw new TransientProviderError(`linkedin: unexpected response (HTTP ${response.status})`);
    }
    const rejected = parsed.data.elements.flatMap((element, index) =>
      element.status >= 400
        ? [
            {
              index,
              reason: shortDetail(
                `linkedin refused the entry: ${element.status}${element.error?.message === undefined ? '' : ` ${element.error.message}`}`,
              ),
            },
          ]
        : [],
    );
    return { received: parsed.data.elements.length, invalid: rejected.length, rejected };
  }

  return {
    name: 'linkedin',
    maxBatchSize: LINKEDIN_MAX_BATCH_SIZE,
    handles: (audience) => config.segmentIds[audience] !== undefined,
    addMembers: (audience, members) => stream('ADD', audience, members),
    removeMembers: (audience, members) => stream('REMOVE', audience, members),
  };
}
